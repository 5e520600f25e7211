#!/usr/bin/env python3
"""Keystone data, Glance seed images and env files for the local test cloud.

Called by up.sh (stdlib only):  provision.py keystone | seed | env | demo
Settings come from the environment that up.sh exports (IMS_OS_*).
Every step is idempotent: existing objects are found and reused.
"""
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request

OSD = os.environ["IMS_OS_DIR"]
KS = os.environ["IMS_OS_KEYSTONE_URL"].rstrip("/")
GLANCE_AUTH = os.environ["IMS_OS_GLANCE_AUTH_URL"].rstrip("/")
GLANCE_NOAUTH = os.environ["IMS_OS_GLANCE_NOAUTH_URL"].rstrip("/")
ADMIN_PW = os.environ["IMS_OS_ADMIN_PASSWORD"]
DEMO_PW = os.environ["IMS_OS_DEMO_PASSWORD"]
GLANCE_PW = os.environ["IMS_OS_GLANCE_PASSWORD"]
REGION = "RegionOne"
SEED_PROP = "ims_seed"  # extra property marking seeded images (value: key)


class HTTPError(Exception):
    def __init__(self, method, url, status, body):
        super().__init__(f"{method} {url} -> {status}: {body[:500]}")
        self.status = status


def call(method, url, body=None, token=None, headers=None, raw=None):
    """One HTTP call; returns (status, headers, parsed JSON or None)."""
    hdrs = {"Accept": "application/json"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        hdrs["Content-Type"] = "application/json"
    if raw is not None:
        data = raw
        hdrs["Content-Type"] = "application/octet-stream"
    if token:
        hdrs["X-Auth-Token"] = token
    hdrs.update(headers or {})
    req = urllib.request.Request(url, data=data, method=method, headers=hdrs)
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            text = resp.read().decode()
            return resp.status, resp.headers, (json.loads(text) if text.strip() else None)
    except urllib.error.HTTPError as e:
        raise HTTPError(method, url, e.code, e.read().decode(errors="replace")) from None


# ------------------------------------------------------------------ keystone
def token(user, password, project=None, system=False):
    scope = {"system": {"all": True}} if system else {
        "project": {"name": project, "domain": {"id": "default"}}}
    body = {"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": user, "domain": {"id": "default"}, "password": password}}},
        "scope": scope}}
    _, hdrs, _ = call("POST", f"{KS}/v3/auth/tokens", body)
    return hdrs["X-Subject-Token"]


def find_one(tok, collection, key, **query):
    q = urllib.parse.urlencode(query)
    _, _, data = call("GET", f"{KS}/v3/{collection}?{q}", token=tok)
    items = data[key]
    return items[0] if items else None


def ensure(tok, collection, key, query, body):
    found = find_one(tok, collection, key, **query)
    if found:
        return found, False
    _, _, data = call("POST", f"{KS}/v3/{collection}", {key[:-1]: body}, token=tok)
    return data[key[:-1]], True


def ensure_endpoint(tok, service_id, interface, url):
    _, _, data = call("GET", f"{KS}/v3/endpoints?service_id={service_id}&interface={interface}"
                      f"&region_id={REGION}", token=tok)
    eps = data["endpoints"]
    if not eps:
        call("POST", f"{KS}/v3/endpoints", {"endpoint": {
            "service_id": service_id, "interface": interface, "region_id": REGION,
            "url": url, "enabled": True}}, token=tok)
        print(f"  created {interface} endpoint {url}")
        return
    for ep in eps:
        if ep["url"] != url:
            call("PATCH", f"{KS}/v3/endpoints/{ep['id']}", {"endpoint": {"url": url}}, token=tok)
            print(f"  updated {interface} endpoint {ep['url']} -> {url}")


def ensure_user(tok, name, password, project_id):
    user = find_one(tok, "users", "users", name=name, domain_id="default")
    if user is None:
        _, _, data = call("POST", f"{KS}/v3/users", {"user": {
            "name": name, "password": password, "domain_id": "default",
            "default_project_id": project_id, "enabled": True}}, token=tok)
        return data["user"]
    # Re-assert the password only when it no longer works (a changed script, or a test that
    # changed it): a password change revokes the user's tokens, including ones another
    # process fetched a moment ago, so an unconditional reset makes re-runs flaky.
    if not user.get("enabled", True) or not password_works(name, password):
        call("PATCH", f"{KS}/v3/users/{user['id']}", {"user": {"password": password,
                                                              "enabled": True}}, token=tok)
    return user


def password_works(name, password):
    """Whether the user can authenticate (unscoped) with this password."""
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": name, "domain": {"id": "default"}, "password": password}}}}}
    try:
        call("POST", f"{KS}/v3/auth/tokens", body)
        return True
    except HTTPError:
        return False


def grant(tok, project_id, user_id, role_id):
    call("PUT", f"{KS}/v3/projects/{project_id}/users/{user_id}/roles/{role_id}", token=tok)


def cmd_keystone():
    tok = token("admin", ADMIN_PW, system=True)
    roles = {}
    for name in ("admin", "member", "reader", "service"):
        roles[name], _ = ensure(tok, "roles", "roles", {"name": name}, {"name": name})
    # Identity endpoints were made by bootstrap; fix them if the port changed.
    ks_svc = find_one(tok, "services", "services", type="identity")
    for itf in ("public", "internal", "admin"):
        ensure_endpoint(tok, ks_svc["id"], itf, f"{KS}/v3")
    image, _ = ensure(tok, "services", "services", {"type": "image"},
                      {"type": "image", "name": "glance", "description": "Image service",
                       "enabled": True})
    for itf in ("public", "internal"):
        ensure_endpoint(tok, image["id"], itf, GLANCE_AUTH)
    demo, _ = ensure(tok, "projects", "projects", {"name": "demo", "domain_id": "default"},
                     {"name": "demo", "domain_id": "default", "description": "IMS client tests",
                      "enabled": True})
    service, _ = ensure(tok, "projects", "projects", {"name": "service", "domain_id": "default"},
                        {"name": "service", "domain_id": "default", "enabled": True})
    demo_user = ensure_user(tok, "demo", DEMO_PW, demo["id"])
    grant(tok, demo["id"], demo_user["id"], roles["member"]["id"])
    grant(tok, demo["id"], demo_user["id"], roles["reader"]["id"])
    glance_user = ensure_user(tok, "glance", GLANCE_PW, service["id"])
    grant(tok, service["id"], glance_user["id"], roles["service"]["id"])
    grant(tok, service["id"], glance_user["id"], roles["admin"]["id"])
    # Check the demo user really gets a token scoped to demo.
    token("demo", DEMO_PW, project="demo")
    print(f"  demo project {demo['id']}, demo user {demo_user['id']}")


# -------------------------------------------------------------------- glance
OS_CHOICES = [
    # (name, __os_type, __platform, __os_version)
    ("Ubuntu 22.04 Server", "Linux", "Ubuntu", "Ubuntu 22.04 server 64bit"),
    ("Überimage ß 東京", "Linux", "Other", "Other Linux(64 bit)"),
    ("Windows Server 2019 Datacenter", "Windows", "Windows", "Windows Server 2019 Datacenter 64bit"),
    ("CentOS 7.9 64bit", "Linux", "CentOS", "CentOS 7.9 64bit"),
    ("Debian 12 (bookworm)", "Linux", "Debian", "Debian GNU/Linux 12.0.0 64bit"),
    ("EulerOS 2.9", "Linux", "EulerOS", "EulerOS 2.9 64bit"),
    ("Образ Linux", "Linux", "Other", "Other Linux(64 bit)"),
    ("café-crème image", "Linux", "Fedora", "Fedora 38 64bit"),
    ("name with / slash & ampersand?", "Linux", "openSUSE", "openSUSE 15.5 64bit"),
    ("100% plus+sign #hash", "Windows", "Windows", "Windows Server 2022 Standard 64bit"),
    ("  leading and trailing spaces  ", "Linux", "Ubuntu", "Ubuntu 20.04 server 64bit"),
    ("Ελληνική εικόνα", "Linux", "Other", "Other Linux(64 bit)"),
]
PLATFORMS = [("Linux", "Ubuntu"), ("Linux", "CentOS"), ("Windows", "Windows"),
             ("Linux", "Debian"), ("Linux", "EulerOS"), ("Linux", "Fedora")]
DISK = ["qcow2", "raw", "vhd", "vmdk", "iso", "vdi", "vhdx"]
CONTAINER = ["bare", "bare", "ovf", "bare", "bare", "ova", "docker"]
VIS = ["public", "private", "public", "shared", "private", "community"]
TAGS = ["a=b", "linux", "gold", "prod", "tag with spaces", "東京", "x"]
UPLOADED = {"n01", "n02", "n03", "n17", "n40"}  # get tiny data: size/checksum/active
DEACTIVATED = {"n40"}  # active, then deactivated


def noauth_specs():
    specs = []
    for i in range(64):
        key = f"n{i + 1:02d}"
        if i < len(OS_CHOICES):
            name, os_type, platform, os_version = OS_CHOICES[i]
        else:
            os_type, platform = PLATFORMS[i % len(PLATFORMS)]
            name = f"ims-seed-{i + 1:03d} {platform}"
            os_version = f"{platform} {i % 5 + 10}.0 64bit"
        tags = sorted({TAGS[i % len(TAGS)], TAGS[(i * 3) % len(TAGS)]}) if i % 4 else []
        if i == 0:
            tags = ["a=b", "gold", "ubuntu"]
        spec = {
            "name": name,
            "visibility": VIS[i % len(VIS)],
            "disk_format": DISK[i % len(DISK)],
            "container_format": CONTAINER[i % len(CONTAINER)],
            "min_ram": [0, 512, 1024, 2048, 4096][i % 5],
            "min_disk": [0, 1, 10, 40][i % 4],
            "tags": tags,
            "__os_type": os_type,
            "__platform": platform,
            "__os_version": os_version,
            "__os_bit": "64",
            "__imagetype": "gold" if i % 3 == 0 else "private",
            SEED_PROP: key,
        }
        if key in UPLOADED:
            # Glance inspects uploaded data: the format must match (ours is raw).
            spec["disk_format"], spec["container_format"] = "raw", "bare"
        if i == 5:
            spec["protected"] = True
        if i % 10 == 7:
            spec["__description"] = f"seeded image {key}: ünïcödé description"
        specs.append((key, spec))
    return specs


AUTH_SPECS = [
    ("a01", {"name": "demo Ubuntu 22.04", "visibility": "private", "disk_format": "qcow2",
             "container_format": "bare", "min_ram": 1024, "min_disk": 10,
             "tags": ["a=b", "demo"], "__os_type": "Linux", "__platform": "Ubuntu",
             "__imagetype": "private"}),
    ("a02", {"name": "demo Windows 2019", "visibility": "private", "disk_format": "vhd",
             "container_format": "bare", "min_ram": 4096, "min_disk": 40,
             "tags": ["windows"], "__os_type": "Windows", "__platform": "Windows",
             "__imagetype": "private"}),
    ("a03", {"name": "demo Überimage ß 東京", "visibility": "shared", "disk_format": "raw",
             "container_format": "bare", "tags": [], "__os_type": "Linux",
             "__platform": "Other", "__imagetype": "private"}),
    ("a04", {"name": "demo community CentOS", "visibility": "community",
             "disk_format": "qcow2", "container_format": "bare", "tags": ["community"],
             "__os_type": "Linux", "__platform": "CentOS", "__imagetype": "private"}),
    ("a05", {"name": "demo uploaded", "visibility": "private", "disk_format": "raw",
             "container_format": "bare", "tags": ["uploaded"], "__os_type": "Linux",
             "__platform": "Debian", "__imagetype": "private"}),
]
AUTH_UPLOADED = {"a05"}


def payload(key):
    return (f"ims seed image {key}\n" * 8).encode()


def list_all(base, tok=None):
    images, url = [], f"{base}/v2/images?limit=200&visibility=all"
    while url:
        _, _, data = call("GET", url, token=tok)
        images += data["images"]
        url = base + data["next"] if data.get("next") else None
    return images


def seed_instance(label, base, specs, uploaded, deactivated, tok_fn, prop=SEED_PROP,
                  payload_of=payload):
    tok = tok_fn()
    existing = {img.get(prop): img for img in list_all(base, tok) if img.get(prop)}
    created = 0
    result = []
    for key, spec in specs:
        img = existing.get(key)
        if img is None:
            tok = tok_fn()  # tokens live 60 s: keep them fresh
            body = dict(spec, **{prop: key})
            _, _, img = call("POST", f"{base}/v2/images", body, token=tok)
            created += 1
        changed = key not in existing
        if key in uploaded and img["status"] == "queued":
            call("PUT", f"{base}/v2/images/{img['id']}/file", token=tok, raw=payload_of(key))
            img, changed = {"status": "active", "id": img["id"]}, True
        if key in deactivated and img["status"] == "active":
            call("POST", f"{base}/v2/images/{img['id']}/actions/deactivate", token=tok)
            changed = True
        if changed:
            _, _, img = call("GET", f"{base}/v2/images/{img['id']}", token=tok)
        result.append(img)
    print(f"  {label}: {created} created, {len(specs) - created} already there")
    return result


def cmd_seed():
    noauth = seed_instance("glance-noauth", GLANCE_NOAUTH, noauth_specs(), UPLOADED,
                           DEACTIVATED, lambda: None)

    def demo_tok():
        return token("demo", DEMO_PW, project="demo")

    auth = seed_instance("glance-auth", GLANCE_AUTH, AUTH_SPECS, AUTH_UPLOADED, set(), demo_tok)
    # One public image owned by the admin project (only admins may publicize).
    admin = seed_instance("glance-auth (admin)", GLANCE_AUTH, [
        ("p01", {"name": "admin public Ubuntu", "visibility": "public", "disk_format": "qcow2",
                 "container_format": "bare", "tags": ["public"], "__os_type": "Linux",
                 "__platform": "Ubuntu", "__imagetype": "gold"})],
        set(), set(), lambda: token("admin", ADMIN_PW, project="admin"))
    tok = demo_tok()
    _, _, td = call("GET", f"{KS}/v3/auth/tokens", token=tok, headers={"X-Subject-Token": tok})
    seed = {
        "seed_property": SEED_PROP,
        "glance_noauth": {"url": GLANCE_NOAUTH, "images": noauth},
        "glance_auth": {
            "url": GLANCE_AUTH,
            "demo_project_id": td["token"]["project"]["id"],
            "demo_user_id": td["token"]["user"]["id"],
            "images": auth,
            "admin_images": admin,
        },
        "uploaded_payloads": {k: payload(k).decode() for k in sorted(UPLOADED | AUTH_UPLOADED)},
    }
    path = os.path.join(OSD, "seed.json")
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        json.dump(seed, f, indent=1, ensure_ascii=False, sort_keys=True)
        f.write("\n")
    os.replace(path + ".tmp", path)
    print(f"  wrote {path}")


# ---------------------------------------------------------------------- demo
# scripts/demo.sh: project `ims-demo` of its own (so the tests' `demo` project and its listings
# stay as they are), with images shaped like the API reference's examples, enough for three
# pages of Glance's default page size (25). Marked with `ims_demo` (not `ims_seed`: the tests
# count the `ims_seed` images they see).
DEMO_PROJECT = DEMO_USER = "ims-demo"
DEMO_USER_PW = "ims-demo-user-pass"  # throwaway, like the others: a loopback-only cloud
DEMO_PROP = "ims_demo"

# (platform, __os_type, __os_version) of the gold images, as IMS names its public images.
DEMO_GOLD = [
    ("Ubuntu", "Linux", "Ubuntu 24.04 server 64bit"),
    ("Ubuntu", "Linux", "Ubuntu 22.04 server 64bit"),
    ("Ubuntu", "Linux", "Ubuntu 20.04 server 64bit"),
    ("Debian", "Linux", "Debian GNU/Linux 12.0.0 64bit"),
    ("Debian", "Linux", "Debian GNU/Linux 11.1.0 64bit"),
    ("CentOS", "Linux", "CentOS 7.9 64bit"),
    ("CentOS", "Linux", "CentOS Stream 9 64bit"),
    ("EulerOS", "Linux", "EulerOS 2.9 64bit"),
    ("EulerOS", "Linux", "EulerOS 2.10 64bit"),
    ("Other", "Linux", "openEuler 22.03 64bit"),
    ("Other", "Linux", "openEuler 24.03 64bit"),
    ("Oracle Linux", "Linux", "Oracle Linux 8.8 64bit"),
    ("Fedora", "Linux", "Fedora 39 64bit"),
    ("SUSE", "Linux", "SUSE Linux Enterprise Server 15 SP5 64bit"),
    ("OpenSUSE", "Linux", "openSUSE 15.5 64bit"),
    ("CoreOS", "Linux", "CoreOS 2079.4.0 64bit"),
    ("Windows", "Windows", "Windows Server 2022 Datacenter 64bit English"),
    ("Windows", "Windows", "Windows Server 2019 Standard 64bit English"),
    ("Windows", "Windows", "Windows Server 2016 Datacenter 64bit Chinese"),
    ("Other", "Linux", "Rocky Linux 9.2 64bit"),
]
DEMO_PRIVATE_NAMES = ["web-frontend", "api-gateway", "db-primary", "db-replica", "build-agent",
                      "bastion", "cache-node", "batch-worker"]
DEMO_DEACTIVATED = {"d07"}


def demo_uploaded(specs):
    """The keys that get data: raw images some bytes, zvhd2 ones none (so, like the
    reference's examples, they are active with size 0 and the MD5 of nothing). The qcow2 and
    vhd ones stay queued: Glance checks that uploaded data is in the image's format."""
    return {key for key, spec in specs if spec.get("disk_format") in ("raw", "zvhd2")}


def demo_specs():
    """(key, image body) of the demo images; the same list on every run."""
    # The two images of the API reference's list example (bc6bed6e..., 0328c25e...).
    doc = {"container_format": "bare", "disk_format": "zvhd2", "min_disk": 100,
           "min_ram": 2048, "protected": True, "tags": [], "visibility": "shared",
           "__image_source_type": "uds", "__isregistered": "true", "__lazyloading": "true",
           "__os_type": "Linux", "__imagetype": "gold", "__platform": "CentOS",
           "__os_bit": "64", "__os_version": "CentOS 7.3 64bit",
           "virtual_env_type": "FusionCompute", "hw_firmware_type": "bios"}
    specs = [
        ("d01", dict(doc, name="CentOS 7.3 64bit vivado", __support_kvm_fpga_type="VU9P")),
        ("d02", dict(doc, name="CentOS 7.3 64bit with sdx",
                     __support_kvm_fpga_type="VU9P_COMMON")),
        # An image created but never uploaded: no formats yet, so Glance answers null for
        # disk_format and container_format (and size, checksum, virtual_size).
        ("d03", {"name": "image-in-progress (no data yet)", "visibility": "private",
                 "tags": [], "__os_type": "Linux", "__imagetype": "private"}),
    ]
    for i, name in enumerate(["uploaded-raw-1", "uploaded-raw-2", "uploaded-raw-3",
                              "retired-raw-4"]):
        specs.append((f"d{i + 4:02d}", {
            "name": name, "visibility": "private", "disk_format": "raw",
            "container_format": "bare", "min_disk": 1, "tags": ["uploaded"],
            "__os_type": "Linux", "__platform": "Debian", "__os_bit": "64",
            "__os_version": "Debian GNU/Linux 12.0.0 64bit", "__imagetype": "private"}))
    n = len(specs)
    for i, (platform, os_type, os_version) in enumerate(DEMO_GOLD):
        windows = os_type == "Windows"
        specs.append((f"d{n + i + 1:02d}", {
            "name": os_version, "visibility": "shared", "disk_format": "zvhd2",
            "container_format": "bare", "min_disk": 40, "min_ram": 2048 if windows else 1024,
            "tags": [], "__os_type": os_type, "__platform": platform, "__os_bit": "64",
            "__os_version": os_version, "__imagetype": "gold", "__isregistered": "true",
            "__image_source_type": "uds", "__lazyloading": "true", "__support_kvm": "true",
            "virtual_env_type": "FusionCompute",
            "hw_firmware_type": "uefi" if "24" in os_version else "bios"}))
    n = len(specs)
    for i in range(60 - n):
        platform, os_type, os_version = DEMO_GOLD[(i * 7) % len(DEMO_GOLD)]
        role = DEMO_PRIVATE_NAMES[i % len(DEMO_PRIVATE_NAMES)]
        spec = {
            "name": f"{role}-{i // len(DEMO_PRIVATE_NAMES) + 1:02d}", "visibility": "private",
            "disk_format": ["zvhd2", "qcow2", "vhd", "zvhd2", "raw"][i % 5],
            "container_format": "bare", "min_disk": [40, 40, 50, 100][i % 4],
            "min_ram": [1024, 2048, 4096, 8192][i % 4],
            "tags": [["env=prod"], ["env=test"], ["env=prod", "team=web"], []][i % 4],
            "__os_type": os_type, "__platform": platform, "__os_bit": "64",
            "__os_version": os_version, "__imagetype": "private",
            "__originalimagename": f"{os_version}", "virtual_env_type": "FusionCompute"}
        if i % 6 == 2:
            spec["__description"] = f"{role} image, made from a server of project ims-demo"
        specs.append((f"d{n + i + 1:02d}", spec))
    return specs


def cmd_demo():
    tok = token("admin", ADMIN_PW, system=True)
    roles = {name: find_one(tok, "roles", "roles", name=name) for name in ("member", "reader")}
    project, _ = ensure(tok, "projects", "projects",
                        {"name": DEMO_PROJECT, "domain_id": "default"},
                        {"name": DEMO_PROJECT, "domain_id": "default", "enabled": True,
                         "description": "scripts/demo.sh"})
    user = ensure_user(tok, DEMO_USER, DEMO_USER_PW, project["id"])
    for role in roles.values():
        grant(tok, project["id"], user["id"], role["id"])

    def demo_tok():
        return token(DEMO_USER, DEMO_USER_PW, project=DEMO_PROJECT)

    specs = demo_specs()
    disk_format = {key: spec.get("disk_format") for key, spec in specs}
    # Created last to first: Glance lists the newest first, so a listing opens with the
    # reference's examples and the gold images (and a table sized on its first page fits them).
    images = seed_instance("glance-auth (ims-demo)", GLANCE_AUTH, specs[::-1],
                           demo_uploaded(specs),
                           DEMO_DEACTIVATED, demo_tok, prop=DEMO_PROP,
                           payload_of=lambda key: payload(key) if disk_format[key] == "raw"
                           else b"")
    ks_v3 = f"{KS}/v3"
    write(os.path.join(OSD, "demo.json"), json.dumps(
        {"keystone_url": ks_v3, "glance_url": GLANCE_AUTH, "project_id": project["id"],
         "images": images}, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
    env = {"OS_AUTH_URL": ks_v3, "OS_USERNAME": DEMO_USER, "OS_PASSWORD": DEMO_USER_PW,
           "OS_PROJECT_NAME": DEMO_PROJECT, "OS_USER_DOMAIN_NAME": "Default",
           "OS_PROJECT_DOMAIN_NAME": "Default", "OS_REGION_NAME": REGION,
           "OS_INTERFACE": "public", "OS_IDENTITY_API_VERSION": "3"}
    lines = [
        "# Generated by scripts/demo.sh (scripts/openstack/up.sh with IMS_OS_DEMO=1).",
        "# Usage: . .openstack/demo-env   then   ims image list",
        "# User ims-demo of the local Keystone; its image endpoint is the local Glance.",
        "# Other OS_*, HUAWEICLOUD_SDK_* and IMS_ENDPOINT settings of the shell are unset first,",
        "# so that none of them points the tool at another cloud.",
        "for v in $(env | sed -n 's/^\\(OS_[A-Za-z0-9_]*\\)=.*/\\1/p'); do unset \"$v\"; done",
        "unset HUAWEICLOUD_SDK_AK HUAWEICLOUD_SDK_SK HUAWEICLOUD_SDK_PROJECT_ID IMS_ENDPOINT v",
    ]
    lines += [f"export {k}='{v}'" for k, v in env.items()]
    write(os.path.join(OSD, "demo-env"), "\n".join(lines) + "\n")
    print(f"  wrote {OSD}/demo-env, demo.json")


# ----------------------------------------------------------------- env files
def cmd_env():
    ks_v3 = f"{KS}/v3"
    env = {
        "IMS_TEST_KEYSTONE_URL": ks_v3,
        "IMS_TEST_GLANCE_AUTH_URL": GLANCE_AUTH,
        "IMS_TEST_GLANCE_NOAUTH_URL": GLANCE_NOAUTH,
        "IMS_TEST_SEED_JSON": os.path.join(OSD, "seed.json"),
        "IMS_TEST_CLOUDS_YAML": os.path.join(OSD, "clouds.yaml"),
        # For openstacksdk-style tools: OS_CLOUD=ims-test uses these two files.
        "OS_CLIENT_CONFIG_FILE": os.path.join(OSD, "clouds.yaml"),
        "OS_CLIENT_SECURE_FILE": os.path.join(OSD, "secure.yaml"),
        "IMS_TEST_ADMIN_USERNAME": "admin",
        "IMS_TEST_ADMIN_PASSWORD": ADMIN_PW,
        "IMS_TEST_ADMIN_PROJECT_NAME": "admin",
        "OS_AUTH_URL": ks_v3,
        "OS_USERNAME": "demo",
        "OS_PASSWORD": DEMO_PW,
        "OS_PROJECT_NAME": "demo",
        "OS_USER_DOMAIN_NAME": "Default",
        "OS_PROJECT_DOMAIN_NAME": "Default",
        "OS_REGION_NAME": REGION,
        "OS_INTERFACE": "public",
        "OS_IDENTITY_API_VERSION": "3",
    }
    lines = ["# Generated by scripts/openstack/up.sh. Usage: . .openstack/env"]
    lines += [f"export {k}='{v}'" for k, v in env.items()]
    write(os.path.join(OSD, "env"), "\n".join(lines) + "\n")
    write(os.path.join(OSD, "clouds.yaml"), f"""\
# Generated by scripts/openstack/up.sh; the password is in secure.yaml.
clouds:
  ims-test:
    auth:
      auth_url: {ks_v3}
      username: demo
      project_name: demo
      user_domain_name: Default
      project_domain_name: Default
    region_name: {REGION}
    interface: public
    identity_api_version: 3
""")
    write(os.path.join(OSD, "secure.yaml"), f"""\
# Generated by scripts/openstack/up.sh.
clouds:
  ims-test:
    auth:
      password: {DEMO_PW}
""", mode=0o600)
    print(f"  wrote {OSD}/env, clouds.yaml, secure.yaml")


def write(path, text, mode=0o644):
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        f.write(text)
    os.chmod(path + ".tmp", mode)
    os.replace(path + ".tmp", path)


if __name__ == "__main__":
    {"keystone": cmd_keystone, "seed": cmd_seed, "env": cmd_env, "demo": cmd_demo}[sys.argv[1]]()
