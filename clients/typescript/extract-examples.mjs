// Writes every example of the OpenAPI document into a TypeScript module of typed constants,
// each annotated with the type openapi-typescript generated for the place the example
// documents. `tsc --strict` over that module then fails when an edit of the document makes an
// example disagree with the generated types.
//
//   node clients/typescript/extract-examples.mjs SPEC.yaml TYPES_MODULE OUT.ts
//
// TYPES_MODULE is the import specifier of the generated types as seen from OUT.ts (such as
// `./ims.js`). Examples are taken from responses (inline in an operation, or under
// `components.responses`) and from named schemas; an example anywhere else is an error here,
// so that no example goes unchecked without anyone noticing.
import { readFileSync, writeFileSync } from "node:fs";
import { parse } from "yaml";

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

function fail(message) {
  console.error(`extract-examples: ${message}`);
  process.exit(1);
}

/** JSON Pointer token escaping (RFC 6901). */
const token = (s) => String(s).replaceAll("~", "~0").replaceAll("/", "~1");
const pointer = (parts) => "#/" + parts.map(token).join("/");
/** A TypeScript indexed-access step: `["key"]`, or `[200]` for a numeric status code. */
const index = (key) => (/^[1-9][0-9]*$/.test(key) ? `[${key}]` : `[${JSON.stringify(key)}]`);

function resolve(doc, value) {
  if (value && typeof value === "object" && typeof value.$ref === "string") {
    const ref = value.$ref;
    if (!ref.startsWith("#/")) fail(`only local references are supported, not ${ref}`);
    let node = doc;
    for (const raw of ref.slice(2).split("/")) {
      const key = raw.replaceAll("~1", "/").replaceAll("~0", "~");
      if (node === null || typeof node !== "object" || !(key in node)) fail(`unresolved ${ref}`);
      node = node[key];
    }
    return node;
  }
  return value;
}

/** Identifier-safe name made of the given parts. */
function ident(parts) {
  const name = parts
    .map((p) => String(p).replace(/[^A-Za-z0-9]+/g, "_").replace(/^_+|_+$/g, ""))
    .filter(Boolean)
    .join("__");
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

/** The examples of one media type object: [{ key, value, at }] with `at` a pointer path. */
function mediaExamples(doc, media, at) {
  const out = [];
  if (media.example !== undefined) out.push({ key: "example", value: media.example, at: [...at, "example"] });
  for (const [key, raw] of Object.entries(media.examples ?? {})) {
    const ex = resolve(doc, raw);
    if (ex.externalValue !== undefined) fail(`${pointer([...at, "examples", key])}: externalValue is not supported`);
    if (ex.value === undefined) fail(`${pointer([...at, "examples", key])}: example without a value`);
    out.push({ key, value: ex.value, at: [...at, "examples", key, "value"] });
  }
  return out;
}

function collect(doc) {
  const found = [];
  const covered = new Set(); // pointers of the `example`/`examples` keywords read here
  const take = (entries, typeExpr, nameParts) => {
    for (const e of entries) {
      found.push({ name: ident([...nameParts, e.key]), type: typeExpr, at: pointer(e.at), value: e.value });
    }
  };
  const responseExamples = (response, at, typeBase, nameParts) => {
    for (const [mt, media] of Object.entries(response.content ?? {})) {
      const mediaAt = [...at, "content", mt];
      take(mediaExamples(doc, media, mediaAt), `${typeBase}["content"]${index(mt)}`, nameParts);
      covered.add(pointer([...mediaAt, "example"]));
      covered.add(pointer([...mediaAt, "examples"]));
    }
  };

  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      for (const [code, response] of Object.entries(op.responses ?? {})) {
        if (response.$ref) continue; // checked once, under components.responses
        responseExamples(
          response,
          ["paths", path, method, "responses", code],
          `paths${index(path)}${index(method)}["responses"]${index(code)}`,
          [op.operationId ?? `${method}_${path}`, code],
        );
      }
    }
  }
  for (const [name, response] of Object.entries(doc.components?.responses ?? {})) {
    responseExamples(response, ["components", "responses", name], `components["responses"]${index(name)}`, [
      "response",
      name,
    ]);
  }
  for (const [name, schema] of Object.entries(doc.components?.schemas ?? {})) {
    if (schema.example !== undefined) {
      const at = ["components", "schemas", name, "example"];
      take([{ key: "example", value: schema.example, at }], `components["schemas"]${index(name)}`, ["schema", name]);
      covered.add(pointer(at));
    }
  }
  return { found, covered };
}

/** Every `example`/`examples` keyword of the document that is not inside an example value. */
function allExampleKeywords(node, at, out) {
  if (node === null || typeof node !== "object") return out;
  if (Array.isArray(node)) {
    node.forEach((v, i) => allExampleKeywords(v, [...at, i], out));
    return out;
  }
  const parentKey = at[at.length - 1];
  for (const [key, value] of Object.entries(node)) {
    // A schema's `properties` map names fields; a field called `example` is no keyword.
    const isKeyword = (key === "example" || key === "examples") && parentKey !== "properties";
    if (isKeyword) {
      out.push(pointer([...at, key]));
      continue; // do not look inside example values
    }
    // `components.examples` entries are checked where they are referenced.
    if (at.length === 1 && at[0] === "components" && key === "examples") continue;
    allExampleKeywords(value, [...at, key], out);
  }
  return out;
}

const UNKNOWN_FIELD = "zz_unknown_field";

/** The value with a field no schema lists added to every object in it. */
function withUnknownField(value) {
  if (Array.isArray(value)) return value.map(withUnknownField);
  if (value !== null && typeof value === "object") {
    const out = {};
    for (const [k, v] of Object.entries(value)) out[k] = withUnknownField(v);
    out[UNKNOWN_FIELD] = "kept";
    return out;
  }
  return value;
}

// `--explain EXAMPLES.ts TSC_OUTPUT`: name the example behind each tsc error in EXAMPLES.ts.
if (process.argv[2] === "--explain") {
  const [examplesPath, logPath] = process.argv.slice(3);
  const source = readFileSync(examplesPath, "utf8").split("\n");
  const log = readFileSync(logPath, "utf8");
  const base = examplesPath.split("/").pop();
  const named = new Map();
  for (const match of log.matchAll(/([^\s(]+)\((\d+),\d+\): error (TS\d+)/g)) {
    if (!match[1].endsWith(base)) continue;
    for (let i = Number(match[2]) - 1; i >= 0; i--) {
      const m = /^export const (\w+):/.exec(source[i] ?? "");
      if (m) {
        const at = /^\/\*\* (.*) \*\/$/.exec(source[i - 1] ?? "")?.[1] ?? "?";
        named.set(m[1], at);
        break;
      }
    }
  }
  for (const [name, at] of named) console.error(`example that does not fit the generated types: ${name}  (${at})`);
  process.exit(0);
}

const [specPath, typesModule, outPath] = process.argv.slice(2);
if (!specPath || !typesModule || !outPath) fail("usage: extract-examples.mjs SPEC.yaml TYPES_MODULE OUT.ts");
const doc = parse(readFileSync(specPath, "utf8"));
const { found: asWritten, covered } = collect(doc);
// Each example as written, and once more with an unknown field in every object: the document
// says responses carry fields it does not list, so the types must accept them.
const found = [
  ...asWritten,
  ...asWritten
    .filter((f) => f.value !== null && typeof f.value === "object")
    .map((f) => ({ ...f, name: `${f.name}__with_unknown_field`, at: `${f.at} + ${UNKNOWN_FIELD}`, value: withUnknownField(f.value) })),
];

const unchecked = allExampleKeywords(doc, [], []).filter((p) => !covered.has(p));
if (unchecked.length) fail(`examples in places this check does not cover:\n  ${unchecked.join("\n  ")}`);
if (asWritten.length === 0) fail(`no examples found in ${specPath}`);
const names = new Set();
for (const f of found) {
  if (names.has(f.name)) fail(`two examples map to the constant name ${f.name}`);
  names.add(f.name);
}

const lines = [
  `// Generated by clients/typescript/extract-examples.mjs from ${specPath}. Do not edit.`,
  `import type { components, paths } from ${JSON.stringify(typesModule)};`,
  "",
];
for (const f of found) {
  lines.push(`/** ${f.at.replaceAll("*/", "*\\/")} */`);
  lines.push(`export const ${f.name}: ${f.type} = ${JSON.stringify(f.value, null, 2)};`);
  lines.push("");
}
lines.push("/** Every example above, with where it is in the document. */");
lines.push("export const all: ReadonlyArray<{ readonly name: string; readonly at: string; readonly value: unknown }> = [");
for (const f of found) lines.push(`  { name: ${JSON.stringify(f.name)}, at: ${JSON.stringify(f.at)}, value: ${f.name} },`);
lines.push("];");
lines.push("");
// Keep `paths`/`components` used even if one kind of example is absent.
lines.push("export type _Used = [keyof paths, keyof components];");
writeFileSync(outPath, lines.join("\n"));
console.log(`extract-examples: ${found.length} examples -> ${outPath}`);
