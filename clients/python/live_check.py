"""Use the Python client that openapi-python-client generated from openapi/ims.yaml against a
real Glance, as a new user of the spec would: no options, no configuration.

    python clients/python/live_check.py GENERATED_DIR GLANCE_URL

GENERATED_DIR holds the package `ims_client` (scripts/live-clients.sh generates it into
target/live-clients/python/). GLANCE_URL is the Glance of scripts/openstack/up.sh (on
127.0.0.1; nothing else is contacted).

Checks, each against what Glance itself answers (plain HTTP, no generated code):
  1. a plain `list_images` call, following the `next` links, returns every image Glance lists
     for the same plain request (same IDs, same count), each parsed into the generated `Image`;
  2. known values of the open enums come out as the generated `...Known` enums and compare
     equal to their strings; unknown values stay strings;
  3. `show_image` of an ID that does not exist gives a 404 response with the error body as the
     generated client types it (the HTML/plain text body as `str`), not an exception.

Exits 1 naming every failed check.
"""

from __future__ import annotations

import json
import sys
import urllib.parse
import urllib.request
import uuid
from typing import Any

failures: list[str] = []


def check(ok: bool, what: str) -> None:
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def glance_ids(base: str) -> list[str]:
    """Every image ID of `GET /v2/images` with no parameters, following `next`, by plain HTTP."""
    ids: list[str] = []
    url = base + "/v2/images"
    for _ in range(1000):
        with urllib.request.urlopen(url, timeout=30) as response:
            page = json.load(response)
        ids.extend(image["id"] for image in page["images"])
        if not page.get("next"):
            return ids
        url = base + page["next"]
    raise SystemExit("Glance gave more than 1000 pages")


def next_kwargs(next_link: str) -> dict[str, Any]:
    """The query of a `next` link as keyword arguments of the generated `list_images`."""
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(next_link).query, keep_blank_values=True)
    kwargs: dict[str, Any] = {}
    for key, values in query.items():
        if len(values) != 1:
            raise SystemExit(f"next link {next_link!r}: {key} given {len(values)} times")
        kwargs[key] = int(values[0]) if key == "limit" else values[0]
    return kwargs


def main() -> None:
    generated, base = sys.argv[1], sys.argv[2].rstrip("/")
    sys.path.insert(0, generated)
    from ims_client import Client
    from ims_client.api.glance_v_2 import list_images, show_image
    from ims_client.models import Image, ImageList, VisibilityKnown, ContainerFormatKnown

    client = Client(base_url=base)

    # 1. a plain list call, following next links
    expected = glance_ids(base)
    listed: list[Any] = []
    kwargs: dict[str, Any] = {}
    pages = 0
    while True:
        response = list_images.sync_detailed(client=client, **kwargs)
        pages += 1
        if response.status_code != 200 or not isinstance(response.parsed, ImageList):
            check(False, f"list_images page {pages}: status {response.status_code}, {type(response.parsed).__name__}")
            break
        page = response.parsed
        listed.extend(page.images)
        if not page.next_:
            break
        kwargs = next_kwargs(page.next_)
    ids = [image.id for image in listed]
    print(f"python: Glance lists {len(expected)} images; the generated client listed {len(ids)} in {pages} pages")
    check(len(expected) > 0, "Glance lists at least one image")
    check(sorted(ids) == sorted(expected), f"the generated client lists the same {len(expected)} images as Glance")
    check(len(set(ids)) == len(ids), "no image listed twice")
    check(all(isinstance(image, Image) for image in listed), "every image parsed as Image")

    # 2. open enums: named known values, unknown values kept
    visibilities = [image.visibility for image in listed]
    check(
        all(isinstance(v, VisibilityKnown) for v in visibilities),
        "every visibility Glance sent is a VisibilityKnown member",
    )
    check(
        sum(1 for v in visibilities if v == "public") == sum(1 for v in visibilities if v == VisibilityKnown.PUBLIC) > 0,
        "visibility == 'public' holds for the public images (VisibilityKnown compares equal to its string)",
    )
    if not listed:
        return
    unknown = Image.from_dict({**listed[0].to_dict(), "container_format": "zz-new-format"})
    check(
        unknown.container_format == "zz-new-format" and not isinstance(unknown.container_format, ContainerFormatKnown),
        "an unknown container_format is kept as its string",
    )

    # 3. show of a missing ID: the documented 404, no exception
    missing = str(uuid.uuid4())
    try:
        response = show_image.sync_detailed(client=client, image_id=missing)
    except Exception as e:  # the crash this check exists to catch
        check(False, f"show_image of a missing ID raised {type(e).__name__}: {e}")
    else:
        print(f"python: show_image({missing}) -> {response.status_code}, parsed {type(response.parsed).__name__}")
        check(response.status_code == 404, "show_image of a missing ID answers 404")
        check(
            isinstance(response.parsed, str) and missing in response.parsed,
            "its body is the generated error type (ErrorText: str) and names the ID",
        )


main()
if failures:
    sys.exit("python live check FAILED:\n  " + "\n  ".join(failures))
print("python live check: all checks passed")
