"""Lists every image of an IMS endpoint with the official Huawei Cloud Python SDK.

The baseline of benches/list_images.rs, which starts a local IMS stand-in, runs this script
once per repetition and compares its time with the Rust client's. It pages through
`GET /v2/cloudimages` the way the SDK's users do: `ListImagesRequest(limit=..., marker=...)`
until a page shorter than `limit`, with the last image id of each page as the next marker.

It prints one JSON object on stdout:

    {"images": 100000, "pages": 201, "seconds": 5.4, "cpu_seconds": 5.3, "last_id": "...",
     "rss_before_kib": 38000, "rss_peak_kib": 44000}

`seconds` covers building the client and the whole listing (not the interpreter's start or
the imports); `cpu_seconds` is the process's CPU time (user + system) over the same span.
`rss_before_kib` is the resident set before the listing and `rss_peak_kib` its
peak during the listing, measured the way the Rust side measures itself: on Linux the peak
(`VmHWM`) is reset through `/proc/self/clear_refs` first. (getrusage's `ru_maxrss` would not
do: Linux carries it over from the parent across exec, so it reports the bench's own size.) Exits non-zero, with the error on stderr, when a request fails or the count is not
`--expect`.
"""

import argparse
import json
import logging
import resource
import sys
import time

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkims.v2 import ImsClient, ListImagesRequest


def proc_status_kib(field):
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def reset_peak_rss():
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
        return True
    except OSError:
        return False


def rss_kib():
    """The resident set now, in KiB."""
    rss = proc_status_kib("VmRSS")
    # Not Linux: the peak so far is the best there is (ru_maxrss is in KiB on Linux, bytes on macOS).
    return rss if rss is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def peak_rss_kib():
    """The peak resident set since reset_peak_rss(), in KiB."""
    peak = proc_status_kib("VmHWM")
    return peak if peak is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def list_all(endpoint, limit):
    # Dummy credentials: the SDK signs every request with them; the local server ignores it.
    credentials = BasicCredentials("BENCHAK0000000000000", "bench-secret-key", "0" * 32)
    client = ImsClient.new_builder().with_credentials(credentials).with_endpoint(endpoint).build()
    images = 0
    pages = 0
    marker = None
    last_id = None
    while True:
        request = ListImagesRequest(limit=limit, marker=marker)
        response = client.list_images(request)
        page = response.images or []
        pages += 1
        images += len(page)
        if page:
            last_id = page[-1].id
            marker = last_id
        if len(page) < limit:
            return images, pages, last_id


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--endpoint", required=True, help="such as http://127.0.0.1:8080")
    parser.add_argument("--limit", type=int, default=500)
    parser.add_argument("--expect", type=int, help="the number of images the listing must give")
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)

    reset_peak_rss()
    rss_before = rss_kib()
    started = time.perf_counter()
    cpu_started = time.process_time()
    images, pages, last_id = list_all(args.endpoint, args.limit)
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    result = {
        "images": images,
        "pages": pages,
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "last_id": last_id,
        "rss_before_kib": rss_before,
        "rss_peak_kib": peak_rss_kib(),
    }
    print(json.dumps(result), flush=True)
    if args.expect is not None and images != args.expect:
        print(f"listed {images} images, expected {args.expect}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
