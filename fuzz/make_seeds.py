#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets into fuzz/seeds/<target>/ from the doc
examples: the response examples of openapi/ims.yaml (and a few known drifts of the wire),
the pages of openapi/docs/ cut into sections, the AK/SK vectors of
tests/vectors/aksk_signing.json, and next links like the services' own. The committed
corpora (fuzz/corpus/<target>/) are these seeds minimised with `afl-cmin` (see README.md)."""

import copy
import json
import pathlib
import re

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "fuzz" / "seeds"


def write(target, name, data):
    folder = OUT / target
    folder.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    (folder / name).write_bytes(data)


def examples():
    spec = yaml.safe_load((ROOT / "openapi" / "ims.yaml").read_text())
    for path, item in spec["paths"].items():
        response = item["get"]["responses"]["200"]
        if "$ref" in response:
            response = spec["components"]["responses"][response["$ref"].split("/")[-1]]
        for name, ex in response["content"]["application/json"].get("examples", {}).items():
            yield item["get"]["operationId"], name, ex["value"]


def decode_seeds():
    for op, name, value in examples():
        write("decode", f"{op}-{name}.json", json.dumps(value, indent=1))
        images = value.get("images")
        image = images[0] if images else value
        if not isinstance(image, dict):
            continue
        # Known drift of the wire (issue 9): nulls, strings for numbers, booleans for flags,
        # objects in metadata, unknown fields, one bad item among good ones.
        drift = copy.deepcopy(image)
        for key in list(drift)[:: 3]:
            drift[key] = None
        drift["min_disk"] = "100"
        drift["unknown_field"] = {"nested": [1, None, "x"]}
        if "metadata" in drift:
            drift["metadata"] = {"block_device_mapping": [{"boot_index": 0}]}
        body = {"images": [image, drift]} if images else drift
        write("decode", f"{op}-drift.json", json.dumps(body))
    write("decode", "empty-page.json", '{"images": [], "next": null}')
    write("decode", "dup-keys.json", '{"images": [{"id": "a", "min_disk": "100", "min_disk": 100}]}')


def doc_seeds():
    pages = sorted((ROOT / "openapi" / "docs").glob("*.md")) + sorted(
        (ROOT / "openapi" / "docs").glob("**/*.rst")
    )
    for page in pages:
        if page.name == "SOURCE.md":
            continue
        text = page.read_text()
        # Sections of about 4 KB, cut before a heading (Markdown `#`, or an RST title line
        # followed by its adornment).
        cuts = [m.start() for m in re.finditer(r"^(#+ |\S[^\n]*\n[=\-~^\"'`#*+]{3,}\n)", text, re.M)]
        pieces, start = [], 0
        for cut in cuts:
            if cut - start >= 4000:
                pieces.append(text[start:cut])
                start = cut
        pieces.append(text[start:])
        stem = page.parent.name + "-" + page.stem if page.parent.name == "current" else page.stem
        for i, piece in enumerate(pieces):
            write("docs", f"{stem}-{i:02}{page.suffix}", piece)


def aksk_seeds():
    vectors = json.loads((ROOT / "tests" / "vectors" / "aksk_signing.json").read_text())
    for v in vectors:
        i = v["input"]
        lines = [
            i["method"],
            i["url"],
            i["ak"],
            i["sk"],
            i.get("project_id") or "",
            i.get("security_token") or "",
            str(i["timestamp"]),
        ]
        lines += [f"{k}:{val}" for k, val in i["headers"].items()]
        data = "\n".join(lines) + "\n\n" + (i.get("body") or "")
        write("aksk", f"{v['name']}.txt", data)


def next_link_seeds():
    cases = {
        "relative": ("http://127.0.0.1:8000/v2/images?limit=5", "/v2/images?limit=5&marker=abc"),
        "absolute": (
            "https://ims.example.com/v2/images?limit=5&sort_key=name",
            "https://ims.example.com/v2/images?limit=5&marker=a%20b&sort_key=name",
        ),
        "prefix": ("http://127.0.0.1:8000/prefix/v2/images", "/prefix/v2/images?marker=x"),
        "foreign-host": ("http://127.0.0.1:8000/v2/images", "http://127.0.0.2:8000/v2/images?marker=abc"),
        "foreign-scheme": ("http://127.0.0.1:8000/v2/images", "https://127.0.0.1:8000/v2/images?marker=abc"),
        "foreign-port": ("http://127.0.0.1:8000/v2/images", "http://127.0.0.1:8001/v2/images?marker=abc"),
        "scheme-relative": ("http://127.0.0.1:8000/v2/images", "//evil.example/v2/images?marker=abc"),
        "nova": (
            "http://127.0.0.1:8774/v2.1/p1/images/detail?limit=2",
            "http://127.0.0.1:8774/v2.1/p1/images/detail?limit=2&marker=9a1b",
        ),
        "no-marker": ("http://127.0.0.1:8000/v2/images", "/v2/images?limit=5&marker="),
        "other-resource": ("http://127.0.0.1:8000/v2/images", "/v2/other?marker=abc"),
        "userinfo": ("http://127.0.0.1:8000/v2/images", "http://user:pw@127.0.0.1:8000/v2/images?marker=a"),
        "backslash": ("http://127.0.0.1:8000/v2/images", "\\\\evil.example\\v2/images?marker=a"),
    }
    for name, (page, link) in cases.items():
        write("next_link", f"{name}.txt", f"{page}\n{link}")


decode_seeds()
doc_seeds()
aksk_seeds()
next_link_seeds()
