"""Checks that the reference Redoc renders from the spec shows the values of every enum parameter.

    python scripts/redoc-known-values.py SPEC DOCS_DIR REDOC_BUNDLE

DOCS_DIR holds the index.html that `redocly build-docs` wrote. That page imports Redoc from
its CDN, which CI cannot reach: the page is rendered with the same Redoc version from the
bundle the Redocly CLI ships (REDOC_BUNDLE; the versions must agree), served on 127.0.0.1,
by headless Chromium, which writes the DOM after the scripts ran.

For every parameter whose schema names values (a closed `enum`, or an open enum `X` whose
`XKnown` is an `enum`), the rendered page of its operation must list each value in the
parameter's entry (not behind "+N more": redocly.yaml sets `maxDisplayedEnumValues`), and the
page holds no placeholder URL (`example.com`, `.invalid`, ...). Exits 1 naming every
parameter and value missing and every placeholder.
"""

import html
import http.server
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading

import yaml

# Chromium gets this long (wall clock) to render one page before it is killed; the page's
# own scripts run on virtual time (RENDER_BUDGET_MS), so a slow machine does not cut them short.
PAGE_TIMEOUT_S = 120
RENDER_BUDGET_MS = 15000
CDN_IMPORT = re.compile(r'"https://cdn\.redocly\.com/redoc/v([0-9][^/"]*)/bundles/redoc\.standalone\.js"')
BUNDLE_VERSION = re.compile(r"Version: ([0-9][^\s*]*)")
# A URL of a host reserved for documentation or tests (RFC 2606, RFC 6761): a placeholder.
PLACEHOLDER_URL = re.compile(
    r"https?://(?:[a-z0-9-]+\.)*(?:example(?:\.(?:com|net|org))?|invalid|test|localhost)(?=[:/\"'\s]|$)",
    re.IGNORECASE,
)


def resolve(spec, node):
    for _ in range(32):
        ref = node.get("$ref") if isinstance(node, dict) else None
        if ref is None:
            return node
        if not ref.startswith("#/"):
            sys.exit(f"not a local reference: {ref}")
        node = spec
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
    sys.exit("references nested too deep")


def named_values(spec, schema):
    """The values a parameter schema names: its enum, those of the enums among its anyOf or
    oneOf, and for a reference to an open enum `X`, those of `XKnown` whatever form `X` takes
    (so a change of form that Redoc does not render fails here instead of dropping out)."""
    values = []
    ref = schema.get("$ref", "") if isinstance(schema, dict) else ""
    known = spec.get("components", {}).get("schemas", {}).get(ref.rsplit("/", 1)[-1] + "Known")
    if ref.startswith("#/components/schemas/") and known is not None:
        values += resolve(spec, known).get("enum", [])
    schema = resolve(spec, schema)
    values += schema.get("enum", [])
    for alt in schema.get("anyOf", []) + schema.get("oneOf", []):
        values += resolve(spec, alt).get("enum", [])
    unique = []
    for v in values:
        if v is not None and v not in unique:
            unique.append(v)
    return unique


def expectations(spec):
    """(route, operationId, parameter, values) for every parameter that names values."""
    out = []
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method == "parameters" or not isinstance(op, dict):
                continue
            route = "#/{}/{}".format(op["tags"][0].lower().replace(" ", "-"), op["operationId"].lower())
            for param in [resolve(spec, p) for p in op.get("parameters", []) + item.get("parameters", [])]:
                values = named_values(spec, param.get("schema", {}))
                if values:
                    out.append((route, op["operationId"], param, [str(v) if not isinstance(v, bool) else str(v).lower() for v in values]))
    return out


def serve(root):
    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=root, **kwargs)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def render(url, profile):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.exit("chromium is needed to render the docs (apt-get install chromium)")
    args = [
        chromium, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={profile}",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-extensions", f"--virtual-time-budget={RENDER_BUDGET_MS}",
        "--dump-dom", url,
    ]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        dom, _ = proc.communicate(timeout=PAGE_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        sys.exit(f"chromium did not render {url} within {PAGE_TIMEOUT_S} s")
    if proc.returncode != 0:
        sys.exit(f"chromium failed on {url} (exit {proc.returncode})")
    return dom.decode("utf-8")


def shown_values(dom, param):
    """The enum values the page lists in the entry of a request parameter, or None without one."""
    anchor = 'id="[^"]*/t=request&amp;in={}&amp;path={}"'.format(re.escape(param["in"]), re.escape(param["name"]))
    start = re.search(anchor, dom)
    if start is None:
        return None
    following = re.compile(r'id="[^"]*/t=request&amp;in=[a-z]+&amp;path=').search(dom, start.end())
    entry = dom[start.end(): following.start() if following else len(dom)]
    values = []
    for block in re.finditer(r'data-testid="schema-enum-values"(.*?)</div>', entry, flags=re.S):
        values += [html.unescape(v) for v in re.findall(r'<span[^>]*>"(.*?)"</span>', block.group(1), flags=re.S)]
    return values


def main():
    spec_path, docs, bundle = sys.argv[1:4]
    with open(spec_path, encoding="utf-8") as f:
        spec = yaml.safe_load(f)
    with open(os.path.join(docs, "index.html"), encoding="utf-8") as f:
        page = f.read()
    with open(bundle, encoding="utf-8") as f:
        bundle_version = BUNDLE_VERSION.search(f.read(2000))
    cdn = CDN_IMPORT.search(page)
    if cdn is None:
        sys.exit("the built page imports no Redoc bundle from the CDN: the check no longer knows how it loads")
    if bundle_version is None or bundle_version.group(1) != cdn.group(1):
        sys.exit(f"the page loads Redoc {cdn.group(1)}; {bundle} is {bundle_version and bundle_version.group(1)}")

    failures, checked = [], 0
    failures += [f"placeholder URL on the page: {url}" for url in sorted(set(PLACEHOLDER_URL.findall(page)))]
    with tempfile.TemporaryDirectory() as tmp:
        site, profile = os.path.join(tmp, "site"), os.path.join(tmp, "profile")
        os.makedirs(site)
        shutil.copy(bundle, os.path.join(site, "redoc.standalone.js"))
        with open(os.path.join(site, "index.html"), "w", encoding="utf-8") as f:
            f.write(CDN_IMPORT.sub('"./redoc.standalone.js"', page))
        server = serve(site)
        try:
            doms = {}
            for route, op_id, param, values in expectations(spec):
                if route not in doms:
                    doms[route] = render(f"http://127.0.0.1:{server.server_port}/index.html{route}", profile)
                shown = shown_values(doms[route], param)
                where = f"{op_id} ({route}), {param['in']} parameter `{param['name']}`"
                if shown is None:
                    failures.append(f"{where}: not on the rendered page")
                    continue
                missing = [v for v in values if v not in shown]
                if missing:
                    failures.append(f"{where}: shows {shown}, lacks {missing}")
                else:
                    checked += 1
                    print(f"ok {where}: {', '.join(values)}")
        finally:
            server.shutdown()
    if failures:
        print("\n".join(["The rendered reference fails:"] + failures), file=sys.stderr)
        sys.exit(1)
    if checked == 0:
        sys.exit("no parameter with named values was found: the check checked nothing")
    print(f"redoc: {checked} parameters show all their values; no placeholder URL")


if __name__ == "__main__":
    main()
