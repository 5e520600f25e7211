#!/usr/bin/env python3
"""Generate AK/SK signing test vectors from the official Huawei Cloud SDK signer.

The Rust signer in ``src/signing.rs`` must produce byte-identical headers to the
``SDK-HMAC-SHA256`` signer of the official Python SDK (``huaweicloudsdkcore``).
This script feeds a fixed set of requests through that signer and writes what it
produced to ``tests/vectors/aksk_signing.json``. The Rust test
``tests/it/aksk_signing.rs`` replays them; it never needs Python.

This script installs nothing. Run it in a throwaway virtual environment:

    python3 -m venv /tmp/venv-signing
    /tmp/venv-signing/bin/pip install -r scripts/signing/requirements.txt
    /tmp/venv-signing/bin/python scripts/signing/make_vectors.py

How a case maps onto the SDK
----------------------------
The SDK never signs a URL: its generated clients build an ``SdkRequest`` from a
host, a resource path (already percent-encoded) and a list of ``(name, value)``
query tuples, one tuple per value for repeated parameters. A case here gives a
full URL, which is mapped onto those inputs the way a URL is read by the Rust
side (the ``url`` crate's ``query_pairs``): host = ``host[:port]``, resource
path = the URL path as written, query = ``parse_qsl(..., keep_blank_values=True)``
(so ``+`` means a space and ``flag`` means ``flag=``). URLs are required to be
in the form the ``url`` crate serialises them (lower-case host, no default
port, no user info, no dot segments) so both sides see the same input.

Time is frozen by replacing the ``datetime`` class the signer module uses with
one whose ``utcnow()`` returns the case's timestamp, so the SDK formats
``X-Sdk-Date`` itself.
"""

from __future__ import annotations

import calendar
import datetime as _dt
import json
import os
import sys
from importlib import metadata
from urllib.parse import parse_qsl, urlsplit

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer import signer as signer_module
from huaweicloudsdkcore.signer.signer import Signer

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(REPO, "tests", "vectors", "aksk_signing.json")

AK = "HPUAEXAMPLEACCESSKEY1"
SK = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
HOST = "https://ims.eu-de.otc.t-systems.com"
PROJECT = "0123456789abcdef0123456789abcdef"

# Each case: name, description, method, url, headers (name -> value, names as the
# caller spells them), body (text, sent as UTF-8), ak, sk, optional project_id,
# optional security_token, and the frozen X-Sdk-Date.
CASES = [
    dict(
        name="get_no_query",
        description="GET without a query string, no extra headers",
        method="GET",
        url=f"{HOST}/v2/cloudimages",
        headers={},
        sdk_date="20261122T090623Z",
    ),
    dict(
        name="get_no_query_json_content_type",
        description="GET with the Content-Type the SDK's clients set by default",
        method="GET",
        url=f"{HOST}/v2/cloudimages",
        headers={"Content-Type": "application/json"},
        sdk_date="20261122T090623Z",
    ),
    dict(
        name="get_with_query",
        description="GET with several parameters given out of order",
        method="GET",
        url=f"{HOST}/v2/cloudimages?status=active&__imagetype=gold&limit=10&marker=7f3a",
        headers={"Content-Type": "application/json"},
        sdk_date="20261122T090623Z",
    ),
    dict(
        name="get_repeated_query_param",
        description="repeated parameter tag=b&tag=a: one pair per value, sorted by value",
        method="GET",
        url=f"{HOST}/v2/cloudimages?tag=b&limit=5&tag=a&tag=a",
        headers={},
        sdk_date="20261122T090623Z",
    ),
    dict(
        name="get_query_needs_percent_encoding",
        description="spaces (as %20 and as +), '=', '/', non-ASCII, '~', '*', literal '+', '&'",
        method="GET",
        url=(
            f"{HOST}/v2/cloudimages?name=My%20Image%20%C3%9Cber&q=a%3Db%2Fc"
            "&tilde=~x&star=*y&plus=a+b&literal_plus=a%2Bb&amp=x%26y&n%C3%A4me=%E2%82%AC"
        ),
        headers={},
        sdk_date="20261122T090623Z",
    ),
    dict(
        name="get_query_raw_unicode_and_reserved",
        description="characters the url crate leaves unescaped in a query: ! ' ( ) , ; : @ $ and raw non-ASCII",
        method="GET",
        url=f"{HOST}/v2/cloudimages?sel=a!b'c(d)e,f;g:h@i$j&name=%C3%9Cber",
        headers={},
        sdk_date="20261122T090623Z",
    ),
    dict(
        name="get_query_sorted_before_encoding",
        description="keys 'a-b' and 'a/b': sorted on decoded text ('-' < '/'), "
        "which is not the order of their encoded forms ('a%2Fb' < 'a-b')",
        method="GET",
        url=f"{HOST}/v2/cloudimages?a%2Fb=2&a-b=1&A=0&%C3%A4=3&z=4",
        headers={},
        sdk_date="20261122T090623Z",
    ),
    dict(
        name="get_query_empty_values",
        description="empty value 'name=', bare key 'flag', empty pieces '&&'",
        method="GET",
        url=f"{HOST}/v2/cloudimages?name=&&flag&limit=1",
        headers={},
        sdk_date="20261122T090623Z",
    ),
    dict(
        name="get_query_question_mark_only",
        description="URL ending in '?' with nothing after it",
        method="GET",
        url=f"{HOST}/v2/cloudimages?",
        headers={},
        sdk_date="20261122T090623Z",
    ),
    dict(
        name="path_without_trailing_slash",
        description="path without trailing slash",
        method="GET",
        url=f"{HOST}/v2/cloudimages/4b5e0f9c-2b6f-4a8e-9a57-3b1c2d7e8f90",
        headers={},
        sdk_date="20261122T090623Z",
    ),
    dict(
        name="path_with_trailing_slash",
        description="same path with trailing slash: same canonical URI",
        method="GET",
        url=f"{HOST}/v2/cloudimages/4b5e0f9c-2b6f-4a8e-9a57-3b1c2d7e8f90/",
        headers={},
        sdk_date="20261122T090623Z",
    ),
    dict(
        name="path_root",
        description="root path '/'",
        method="GET",
        url=f"{HOST}/",
        headers={},
        sdk_date="20261122T090623Z",
    ),
    dict(
        name="path_needs_percent_encoding",
        description="path segments with space, non-ASCII, '~', '*', '!', and an encoded '/' (%2F)",
        method="GET",
        url=f"{HOST}/v2/cloudimages/My%20Image/%C3%9Cber/a~b*c!d/x%2Fy/e+f",
        headers={},
        sdk_date="20261122T090623Z",
    ),
    dict(
        name="with_project_id",
        description="project id becomes a signed X-Project-Id header",
        method="GET",
        url=f"{HOST}/v2/cloudimages?limit=1",
        headers={"Content-Type": "application/json"},
        project_id=PROJECT,
        sdk_date="20261122T090623Z",
    ),
    dict(
        name="with_project_id_in_path_and_header",
        description="v1 API with the project id in the path and in X-Project-Id",
        method="GET",
        url=f"{HOST}/v1/{PROJECT}/images/4b5e0f9c-2b6f-4a8e-9a57-3b1c2d7e8f90/members",
        headers={},
        project_id=PROJECT,
        sdk_date="20261122T090623Z",
    ),
    dict(
        name="with_security_token",
        description="temporary credentials: X-Security-Token is added and signed",
        method="GET",
        url=f"{HOST}/v2/cloudimages",
        headers={},
        project_id=PROJECT,
        security_token="gQpjbi1ub3J0aC00+/=TOKEN-EXAMPLE",
        sdk_date="20261122T090623Z",
    ),
    dict(
        name="header_uppercase_name_and_padding",
        description="header name with capitals and value with surrounding spaces/tab: "
        "lower-cased name, trimmed value (also in what is sent)",
        method="GET",
        url=f"{HOST}/v2/cloudimages",
        headers={"X-Custom-HEADER": "  some value\t ", "Accept": "application/json"},
        sdk_date="20261122T090623Z",
    ),
    dict(
        name="header_with_underscore_not_signed",
        description="a header whose name contains '_' is sent but not signed",
        method="GET",
        url=f"{HOST}/v2/cloudimages",
        headers={"X_Trace_Id": "abc", "X-Request-Id": "req-1"},
        sdk_date="20261122T090623Z",
    ),
    dict(
        name="header_non_ascii_value",
        description="header value with non-ASCII text and a non-breaking space at the end (trimmed)",
        method="GET",
        url=f"{HOST}/v2/cloudimages",
        headers={"X-Image-Name": "\u00dcber Bild\u00a0"},
        sdk_date="20261122T090623Z",
    ),
    dict(
        name="header_explicit_host",
        description="caller-provided Host header is kept and signed as given",
        method="GET",
        url=f"{HOST}/v2/cloudimages",
        headers={"Host": "ims.example.com"},
        sdk_date="20261122T090623Z",
    ),
    dict(
        name="non_default_port",
        description="a non-default port is part of the Host header",
        method="GET",
        url="https://ims.example.com:8443/v2/cloudimages?limit=2",
        headers={},
        sdk_date="20261122T090623Z",
    ),
    dict(
        name="plain_http",
        description="http scheme",
        method="GET",
        url="http://127.0.0.1:8080/v2/cloudimages",
        headers={},
        sdk_date="20261122T090623Z",
    ),
    dict(
        name="post_json_body",
        description="POST with a JSON body: payload hash is SHA-256 of the body",
        method="POST",
        url=f"{HOST}/v2/cloudimages/action",
        headers={"Content-Type": "application/json;charset=UTF-8"},
        body=json.dumps(
            {"name": "Über image", "instance_id": "877a2cda-ba63-4e1e-b95f-e67e48b6129a", "tags": ["a=1", "b"]},
            ensure_ascii=False,
        ),
        project_id=PROJECT,
        sdk_date="20261122T090623Z",
    ),
    dict(
        name="post_empty_body",
        description="POST with an empty body: payload hash of the empty string",
        method="POST",
        url=f"{HOST}/v2/cloudimages/action",
        headers={"Content-Type": "application/json"},
        sdk_date="20261122T090623Z",
    ),
    dict(
        name="post_non_json_body_unsigned_payload",
        description="non-JSON Content-Type: SDK adds X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD and uses it as payload hash",
        method="PUT",
        url=f"{HOST}/v1/cloudimages/upload",
        headers={"Content-Type": "application/octet-stream"},
        body="raw bytes \u0000\u0001 not hashed",
        sdk_date="20261122T090623Z",
    ),
    dict(
        name="get_non_json_content_type_empty_body",
        description="non-JSON Content-Type on an empty body: header added, but payload hash is the empty hash",
        method="GET",
        url=f"{HOST}/v2/cloudimages",
        headers={"Content-Type": "text/plain"},
        sdk_date="20261122T090623Z",
    ),
    dict(
        name="post_uppercase_json_content_type",
        description="the JSON check is case-sensitive: 'Application/JSON' counts as non-JSON",
        method="POST",
        url=f"{HOST}/v2/cloudimages/action",
        headers={"Content-Type": "Application/JSON"},
        body='{"a":1}',
        sdk_date="20261122T090623Z",
    ),
    dict(
        name="post_caller_unsigned_payload",
        description="caller sets X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD on a JSON body",
        method="POST",
        url=f"{HOST}/v2/cloudimages/action",
        headers={"Content-Type": "application/json", "X-Sdk-Content-Sha256": "UNSIGNED-PAYLOAD"},
        body='{"a":1}',
        sdk_date="20261122T090623Z",
    ),
    dict(
        name="delete_with_query_and_project",
        description="DELETE with a query and a project id",
        method="DELETE",
        url=f"{HOST}/v2/images/4b5e0f9c-2b6f-4a8e-9a57-3b1c2d7e8f90/tags/key%201?force=true",
        headers={},
        project_id=PROJECT,
        sdk_date="20261122T090623Z",
    ),
    dict(
        name="patch_method",
        description="PATCH with JSON body",
        method="PATCH",
        url=f"{HOST}/v2/cloudimages/4b5e0f9c-2b6f-4a8e-9a57-3b1c2d7e8f90",
        headers={"Content-Type": "application/openstack-images-v2.1-json-patch"},
        body='[{"op":"replace","path":"/name","value":"x"}]',
        sdk_date="20261122T090623Z",
    ),
    dict(
        name="keys_with_unusual_characters",
        description="AK with '+/=._-~', SK with non-ASCII, quotes, backslash, spaces and symbols",
        method="GET",
        url=f"{HOST}/v2/cloudimages?limit=1",
        headers={},
        ak="AK+/=._-~EXAMPLE",
        sk="s\u20acCr3t/+= ~!@#$%^&*()\"'\\\u00dcber\u00df",
        sdk_date="20261122T090623Z",
    ),
    dict(
        name="date_leap_day",
        description="another timestamp: 29 February, end of day",
        method="GET",
        url=f"{HOST}/v2/cloudimages",
        headers={},
        sdk_date="20240229T235959Z",
    ),
    dict(
        name="date_new_year",
        description="another timestamp: start of a year",
        method="GET",
        url=f"{HOST}/v2/cloudimages",
        headers={},
        sdk_date="20300101T000000Z",
    ),
]


class _Recorder:
    """Captures the canonical request and string to sign of the last signing."""

    canonical_request = None
    string_to_sign = None


def _install_hooks():
    orig_cr = Signer._process_canonical_request
    orig_sts = Signer._process_string_to_sign

    def canonical_request(self, request, signed_headers):
        out = orig_cr(self, request, signed_headers)
        _Recorder.canonical_request = out
        return out

    def string_to_sign(self, canonical, t):
        out = orig_sts(self, canonical, t)
        _Recorder.string_to_sign = out
        return out

    Signer._process_canonical_request = canonical_request
    Signer._process_string_to_sign = string_to_sign


def _freeze_time(sdk_date: str):
    frozen = _dt.datetime.strptime(sdk_date, "%Y%m%dT%H%M%SZ")

    class FrozenDatetime(_dt.datetime):
        @classmethod
        def utcnow(cls):
            return frozen

        @classmethod
        def now(cls, tz=None):
            return frozen if tz is None else frozen.replace(tzinfo=_dt.timezone.utc).astimezone(tz)

    signer_module.datetime = FrozenDatetime
    return calendar.timegm(frozen.timetuple())


def _check_url(url: str):
    parts = urlsplit(url)
    assert parts.scheme in ("http", "https"), url
    assert parts.hostname == parts.hostname.lower(), f"host must be lower-case: {url}"
    assert "@" not in parts.netloc, f"no user info: {url}"
    default = {"http": 80, "https": 443}[parts.scheme]
    assert parts.port != default, f"no default port: {url}"
    assert parts.path.startswith("/"), f"path must start with '/': {url}"
    segs = parts.path.split("/")
    assert "." not in segs and ".." not in segs, f"no dot segments: {url}"
    assert not parts.fragment, f"no fragment: {url}"
    return parts


def _wire(value: str) -> str:
    # The SDK stores a header value it has trimmed as its UTF-8 bytes read as
    # ISO-8859-1 (so that the HTTP library sends the UTF-8 bytes). Headers it
    # did not touch are plain text. Report what goes on the wire, as UTF-8 text.
    try:
        raw = value.encode("iso-8859-1")
    except UnicodeEncodeError:
        return value
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return value


def run_case(case: dict, sdk_version: str) -> dict:
    ak = case.get("ak", AK)
    sk = case.get("sk", SK)
    project_id = case.get("project_id")
    security_token = case.get("security_token")
    body = case.get("body", "")
    parts = _check_url(case["url"])
    timestamp = _freeze_time(case["sdk_date"])

    request = SdkRequest(
        method=case["method"],
        schema=parts.scheme,
        host=parts.netloc,
        resource_path=parts.path,
        query_params=parse_qsl(parts.query, keep_blank_values=True),
        header_params=dict(case["headers"]),
        body=body.encode("utf-8"),
    )
    credentials = BasicCredentials(ak, sk, project_id)
    if security_token is not None:
        credentials.with_security_token(security_token)

    _Recorder.canonical_request = None
    _Recorder.string_to_sign = None
    signed = credentials.sign_request(request)

    final_headers = {k: _wire(v) for k, v in signed.header_params.items()}
    given_lower = {k.lower(): v for k, v in case["headers"].items()}
    changed = {k: v for k, v in final_headers.items() if given_lower.get(k.lower()) != v}
    auth = final_headers["Authorization"]
    signed_headers = auth.split("SignedHeaders=", 1)[1].split(",", 1)[0].split(";")

    out = {
        "name": case["name"],
        "description": case["description"],
        "input": {
            "method": case["method"],
            "url": case["url"],
            "headers": case["headers"],
            "body": body,
            "ak": ak,
            "sk": sk,
            "project_id": project_id,
            "security_token": security_token,
            "sdk_date": case["sdk_date"],
            "timestamp": timestamp,
        },
        "expected": {
            "headers": final_headers,
            "added_or_changed": changed,
            "signed_headers": signed_headers,
            "uri": signed.uri,
            "canonical_request": _Recorder.canonical_request,
            "string_to_sign": _Recorder.string_to_sign,
        },
        "sdk": f"huaweicloudsdkcore {sdk_version}",
    }
    assert out["expected"]["canonical_request"] is not None, case["name"]
    assert sk not in json.dumps(out["expected"]), case["name"]
    return out


def main() -> int:
    sdk_version = metadata.version("huaweicloudsdkcore")
    _install_hooks()
    names = set()
    results = []
    for case in CASES:
        assert case["name"] not in names, case["name"]
        names.add(case["name"])
        results.append(run_case(case, sdk_version))
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(results, f, indent=2, ensure_ascii=False)
        f.write("\n")
    print(f"wrote {len(results)} cases to {os.path.relpath(OUT, REPO)} (huaweicloudsdkcore {sdk_version})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
