"""Load every example of openapi/ims.yaml through the pydantic models generated from it.

    python clients/python/check_examples.py SPEC.yaml MODELS.py

MODELS.py is the module datamodel-codegen wrote from SPEC.yaml (scripts/spec-tools.sh
generates it into target/spec-clients/python/). Each example of a response (inline in an
operation or under components.responses) is parsed as JSON, in strict mode, by the model of
the response's schema; each example of a named schema by that schema's model. The model is
then dumped back (by alias, only the fields that were set) and must give the example again,
value for value and type for type: no field dropped (the schemas keep unknown fields), none
renamed, none converted. The same is done once more with an unknown field added to every
object of the example, which must be kept too. An example in any other place of the document is an error, so that
nothing goes unchecked unnoticed.

Exits 1 naming each example and the JSON path where it differs.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml
from pydantic import BaseModel, RootModel, ValidationError

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def pointer(parts: list[Any]) -> str:
    """JSON Pointer (RFC 6901) of a place in the document, as a URI fragment."""
    return "#/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in parts)


@dataclass
class Example:
    at: str  # JSON pointer of the example value
    schema_name: str  # name under components.schemas of the model to load it with
    value: Any


class SpecError(Exception):
    pass


def resolve(doc: dict[str, Any], node: Any) -> Any:
    if isinstance(node, dict) and isinstance(node.get("$ref"), str):
        ref = node["$ref"]
        if not ref.startswith("#/"):
            raise SpecError(f"only local references are supported, not {ref}")
        target: Any = doc
        for raw in ref[2:].split("/"):
            key = raw.replace("~1", "/").replace("~0", "~")
            if not isinstance(target, dict) or key not in target:
                raise SpecError(f"unresolved reference {ref}")
            target = target[key]
        return target
    return node


def schema_name(schema: Any, at: list[Any]) -> str:
    ref = schema.get("$ref") if isinstance(schema, dict) else None
    prefix = "#/components/schemas/"
    if not isinstance(ref, str) or not ref.startswith(prefix):
        raise SpecError(f"{pointer(at)}: an example here needs a schema that is a $ref to {prefix}NAME")
    return ref[len(prefix):]


def collect(doc: dict[str, Any]) -> tuple[list[Example], set[str]]:
    """Examples of responses and named schemas, and the pointers of the keywords read."""
    found: list[Example] = []
    covered: set[str] = set()

    def media_examples(media: dict[str, Any], at: list[Any]) -> None:
        covered.add(pointer([*at, "example"]))
        covered.add(pointer([*at, "examples"]))
        entries: list[tuple[list[Any], Any]] = []
        if "example" in media:
            entries.append(([*at, "example"], media["example"]))
        for key, raw in (media.get("examples") or {}).items():
            example = resolve(doc, raw)
            where = [*at, "examples", key]
            if "externalValue" in example:
                raise SpecError(f"{pointer(where)}: externalValue is not supported")
            if "value" not in example:
                raise SpecError(f"{pointer(where)}: example without a value")
            entries.append(([*where, "value"], example["value"]))
        if entries:
            name = schema_name(media.get("schema"), [*at, "schema"])
            found.extend(Example(pointer(where), name, value) for where, value in entries)

    def response_examples(response: dict[str, Any], at: list[Any]) -> None:
        for media_type, media in (response.get("content") or {}).items():
            media_examples(media, [*at, "content", media_type])

    for path, item in (doc.get("paths") or {}).items():
        for method in METHODS:
            operation = item.get(method)
            if not operation:
                continue
            for code, response in (operation.get("responses") or {}).items():
                if "$ref" in response:
                    continue  # checked once, under components.responses
                response_examples(response, ["paths", path, method, "responses", code])
    components = doc.get("components") or {}
    for name, response in (components.get("responses") or {}).items():
        response_examples(response, ["components", "responses", name])
    for name, schema in (components.get("schemas") or {}).items():
        if isinstance(schema, dict) and "example" in schema:
            at = pointer(["components", "schemas", name, "example"])
            covered.add(at)
            found.append(Example(at, name, schema["example"]))
    return found, covered


def example_keywords(node: Any, at: list[Any], out: list[str]) -> list[str]:
    """Pointers of every `example`/`examples` keyword not inside an example value."""
    if isinstance(node, list):
        for i, value in enumerate(node):
            example_keywords(value, [*at, i], out)
    elif isinstance(node, dict):
        parent = at[-1] if at else None
        for key, value in node.items():
            if key in ("example", "examples") and parent != "properties":
                out.append(pointer([*at, key]))
                continue
            if at == ["components"] and key == "examples":
                continue  # checked where they are referenced
            example_keywords(value, [*at, key], out)
    return out


def load_module(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("ims_models", path)
    if spec is None or spec.loader is None:
        raise SpecError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules["ims_models"] = module
    spec.loader.exec_module(module)
    return module


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def differences(expected: Any, actual: Any, path: str = "$") -> Iterator[str]:
    """Where `actual` differs from `expected`, JSON type included (1 is not 1.0, not True)."""
    if json_type(expected) != json_type(actual):
        yield f"{path}: expected {json_type(expected)} {json.dumps(expected)}, got {json_type(actual)} {json.dumps(actual)}"
    elif isinstance(expected, dict):
        for key in expected:
            if key not in actual:
                yield f"{path}.{key}: dropped (was {json.dumps(expected[key])})"
            else:
                yield from differences(expected[key], actual[key], f"{path}.{key}")
        for key in actual:
            if key not in expected:
                yield f"{path}.{key}: added ({json.dumps(actual[key])})"
    elif isinstance(expected, list):
        if len(expected) != len(actual):
            yield f"{path}: expected {len(expected)} items, got {len(actual)}"
        for i, (e, a) in enumerate(zip(expected, actual)):
            yield from differences(e, a, f"{path}[{i}]")
    elif expected != actual:
        yield f"{path}: expected {json.dumps(expected)}, got {json.dumps(actual)}"


UNKNOWN_FIELD = "zz_unknown_field"


def with_unknown_field(value: Any) -> Any:
    """The value with a field no schema lists added to every object in it."""
    if isinstance(value, dict):
        return {**{k: with_unknown_field(v) for k, v in value.items()}, UNKNOWN_FIELD: "kept"}
    if isinstance(value, list):
        return [with_unknown_field(v) for v in value]
    return value


def check(example: Example, models: ModuleType) -> list[str]:
    model = getattr(models, example.schema_name, None)
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        return [f"no model {example.schema_name} in the generated module"]
    try:
        text = json.dumps(example.value)
    except (TypeError, ValueError) as error:  # such as a YAML date that is no JSON value
        return [f"the example is not JSON: {error}"]
    try:
        # Strict mode over JSON text: what a client parsing the wire would see, no coercion.
        loaded = model.model_validate_json(text, strict=True)
    except ValidationError as error:
        return [f"{'.'.join(map(str, e['loc'])) or '$'}: {e['msg']}" for e in error.errors()]
    if isinstance(loaded, RootModel):
        dumped = loaded.model_dump(mode="json")
    else:
        dumped = loaded.model_dump(mode="json", by_alias=True, exclude_unset=True)
    return list(differences(example.value, dumped))


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    spec_path, models_path = Path(argv[1]), Path(argv[2])
    try:
        doc = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
        examples, covered = collect(doc)
        unchecked = [p for p in example_keywords(doc, [], []) if p not in covered]
        if unchecked:
            raise SpecError("examples in places this check does not cover:\n  " + "\n  ".join(unchecked))
        if not examples:
            raise SpecError(f"no examples found in {spec_path}")
        models = load_module(models_path)
    except SpecError as error:
        print(f"check_examples: {error}", file=sys.stderr)
        return 1

    # Each example as written, then with an unknown field in every object: the document says
    # responses carry fields it does not list and clients must keep them.
    variants = [*examples]
    variants += [
        Example(f"{e.at} + {UNKNOWN_FIELD}", e.schema_name, with_unknown_field(e.value))
        for e in examples
        if isinstance(e.value, (dict, list))
    ]
    failed = 0
    for example in variants:
        problems = check(example, models)
        if problems:
            failed += 1
            print(f"FAILED {example.at} (as {example.schema_name}):", file=sys.stderr)
            for problem in problems:
                print(f"    {problem}", file=sys.stderr)
        else:
            print(f"ok {example.at} (as {example.schema_name})")
    print(f"python: {len(variants) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
