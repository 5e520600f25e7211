"""Schemathesis hooks for the property-based run against the local Glance
(scripts/live-clients.sh loads this module through SCHEMATHESIS_HOOKS).

- Error bodies in `text/html` and `text/plain` (what Glance sends unless asked for JSON) are
  read as text, so that their responses are checked against the spec's `ErrorText` schema
  instead of being skipped.
- `marker` must name an image the caller may see; the spec says so and documents the 400 for
  any other value, but a schema cannot list the IDs that exist. So a generated marker that the
  schema allows is replaced, before the request is sent, by the ID of an image Glance lists
  (picked from the generated value, so the run stays reproducible). A marker the schema
  refuses (the empty string, in negative tests) is sent as generated.

Reads IMS_LIVE_GLANCE_URL (the Glance on 127.0.0.1 that the run targets). With
IMS_LIVE_KEYSTONE_AUTH=1, every request carries a token of the Keystone on 127.0.0.1
(OS_AUTH_URL, OS_USERNAME, OS_PASSWORD, OS_PROJECT_NAME of .openstack/env), refreshed before
it expires.
"""

from __future__ import annotations

import json
import os
import urllib.request
import zlib
from functools import cache

import schemathesis


@schemathesis.deserializer("text/html", "text/plain")
def text_body(ctx, response):
    return response.content.decode(response.encoding or "utf-8", errors="replace")


@cache
def image_ids() -> tuple[str, ...]:
    """The IDs of every image Glance lists with `visibility=all`, by plain HTTP."""
    base = os.environ["IMS_LIVE_GLANCE_URL"].rstrip("/")
    url, ids = base + "/v2/images?visibility=all&limit=1000", []
    headers = {"X-Auth-Token": keystone_token()} if os.environ.get("IMS_LIVE_KEYSTONE_AUTH") == "1" else {}
    while url:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as response:
            page = json.load(response)
        ids.extend(image["id"] for image in page["images"])
        url = base + page["next"] if page.get("next") else None
    if not ids:
        raise RuntimeError("Glance lists no image: start it with scripts/openstack/up.sh")
    return tuple(sorted(ids))


@schemathesis.hook
def before_call(context, case, kwargs):
    query = case.query
    marker = query.get("marker") if isinstance(query, dict) else None
    if isinstance(marker, str) and marker != "":
        ids = image_ids()
        query["marker"] = ids[zlib.crc32(marker.encode("utf-8", "surrogatepass")) % len(ids)]


def keystone_token() -> str:
    """A token of the Keystone on 127.0.0.1 for OS_USERNAME/OS_PASSWORD (project OS_PROJECT_NAME)."""
    env = os.environ
    body = {
        "auth": {
            "identity": {
                "methods": ["password"],
                "password": {
                    "user": {
                        "name": env["OS_USERNAME"],
                        "domain": {"name": env.get("OS_USER_DOMAIN_NAME", "Default")},
                        "password": env["OS_PASSWORD"],
                    }
                },
            },
            "scope": {
                "project": {
                    "name": env["OS_PROJECT_NAME"],
                    "domain": {"name": env.get("OS_PROJECT_DOMAIN_NAME", "Default")},
                }
            },
        }
    }
    request = urllib.request.Request(
        env["OS_AUTH_URL"].rstrip("/") + "/auth/tokens",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.headers["X-Subject-Token"]


if os.environ.get("IMS_LIVE_KEYSTONE_AUTH") == "1":
    # Tokens of the test Keystone expire after 60 s: fetch a new one every 20 s.
    @schemathesis.auth(refresh_interval=20)
    class KeystoneAuth:
        def get(self, case, ctx):
            return keystone_token()

        def set(self, case, data, ctx):
            case.headers = case.headers or {}
            case.headers["X-Auth-Token"] = data
