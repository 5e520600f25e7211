#!/usr/bin/env bash
# A first result in one command: starts the real Keystone and Glance of scripts/openstack on
# 127.0.0.1, gives them a project `ims-demo` with 60 images shaped like the API reference's
# examples (IMS `__` properties, tags, a queued image with null formats; three pages of
# Glance's default page size), builds the `ims` command-line tool and lists them.
#
#   bash scripts/demo.sh              the first run installs Keystone/Glance into .openstack/
#                                     and builds the tool (see README.md for how long); later
#                                     runs reuse both
#   bash scripts/openstack/down.sh    stops the services (the install and the images stay)
#
# Needs Rust (cargo), Python 3 with venv, and curl; nothing is installed outside the repo.
# IMS_DEMO_BIN=PATH runs that `ims` instead of building one (scripts/test.sh passes the one
# `cargo test` built). IMS_OPENSTACK_DIR and the port variables of scripts/openstack/README.md
# apply as for up.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
osd=${IMS_OPENSTACK_DIR:-$root/.openstack}
start=$SECONDS

step() { printf '\n==> [demo %ds] %s\n' "$((SECONDS - start))" "$*"; }
die() { printf 'demo: %s\n' "$*" >&2; exit 1; }
# A path as the user can type it from the repo root.
short() { case $1 in "$root"/*) printf '%s' "${1#"$root"/}" ;; *) printf '%s' "$1" ;; esac; }

# ------------------------------------------------------------- what is needed
missing=()
command -v curl >/dev/null || missing+=("curl (Debian: apt-get install curl)")
if ! command -v python3 >/dev/null; then
  missing+=("python3 (Debian: apt-get install python3 python3-venv)")
elif ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
  missing+=("python3's venv module (Debian: apt-get install python3-venv)")
fi
if [[ -z ${IMS_DEMO_BIN:-} ]] && ! command -v cargo >/dev/null; then
  missing+=("cargo (Rust; https://rustup.rs)")
fi
if ((${#missing[@]})); then
  printf 'demo: missing: %s\n' "${missing[@]}" >&2
  exit 1
fi

# ------------------------------------------------- 1. Keystone, Glance, images
step "Keystone and Glance on 127.0.0.1 (scripts/openstack/up.sh; the first time it installs" \
  "them into $(short "$osd")/venv)"
IMS_OS_DEMO=1 bash scripts/openstack/up.sh
env_file=$osd/demo-env
[[ -f $env_file && -f $osd/demo.json ]] || die "up.sh did not write $env_file and demo.json"

# The ids the demo shows: the first image of the reference's list example, and the image
# that has no data yet.
read -r doc_id queued_id < <(python3 - "$osd/demo.json" <<'EOF'
import json, sys
images = {i["ims_demo"]: i for i in json.load(open(sys.argv[1], encoding="utf-8"))["images"]}
print(images["d01"]["id"], images["d03"]["id"])
EOF
)

# ------------------------------------------------------------ 2. the CLI
if [[ -n ${IMS_DEMO_BIN:-} ]]; then
  ims=$IMS_DEMO_BIN
  [[ -x $ims ]] || die "IMS_DEMO_BIN=$ims is not an executable"
  step "using $ims"
else
  step "building the CLI: cargo build --bin ims (the first time this is the long part;" \
    "README.md says how long it took)"
  cargo build --bin ims
  target_dir=$(cargo metadata --format-version 1 --no-deps \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
  ims=$target_dir/debug/ims
fi

# -------------------------------------------------------------- 3. the listing
# The demo's settings only: OS_* of user ims-demo (demo-env unsets any other OS_* first).
set -a
# shellcheck disable=SC1090
. "$env_file"
set +a
step "ims image list   (as user $OS_USERNAME of $OS_AUTH_URL; Glance from its catalog)"
"$ims" image list

step "ims image show $queued_id   (the image with no data yet: formats and size are null)"
"$ims" image show "$queued_id"

rel_env=$(short "$env_file")
down="bash scripts/openstack/down.sh"
[[ -z ${IMS_OPENSTACK_DIR:-} ]] || down="IMS_OPENSTACK_DIR=$(short "$osd") $down"
bin_dir=$(short "$(dirname "$ims")")
[[ $bin_dir == /* ]] || bin_dir="\$PWD/$bin_dir"
cat <<EOF

==> [demo $((SECONDS - start))s] done. To run more commands against the same Glance:

  . $rel_env                    # the OS_* settings of user ims-demo (replaces your OS_*)
  export PATH="$bin_dir:\$PATH"   # or install the tool: cargo install --path .
  ims image list
  ims image show $doc_id      # the first image of the reference's list example

Stop the services:  $down    (bash scripts/demo.sh starts them again)
Remove everything:  $down && rm -rf $(short "$osd")
EOF
