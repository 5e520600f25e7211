#!/usr/bin/env bash
# Runs every test of the project, installing what it needs into git-ignored folders of the
# repo (reused when present). This is the README's test command and what CI runs.
#
#   bash scripts/test.sh            everything
#   SKIP_OPENSTACK=1 bash scripts/test.sh   without the Keystone/Glance tests (faster)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

step() { printf '\n==> %s\n' "$*"; }

# System packages the checks need: tmux for the terminal tests (tests/it/terminal.rs),
# chromium for the rendered-reference check of scripts/spec-tools.sh. Installed only when
# missing.
missing=()
command -v tmux >/dev/null || missing+=(tmux)
command -v chromium >/dev/null || command -v chromium-browser >/dev/null || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  step "installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get install -y -qq "${missing[@]}" >/dev/null \
    || { $sudo apt-get update -qq && $sudo apt-get install -y -qq "${missing[@]}" >/dev/null; }
fi

step "formatting: cargo fmt --all --check"
cargo fmt --all --check

step "lints: cargo clippy --workspace --all-targets -- -D warnings"
# The generated client (src/generated.rs includes it) carries its own allows.
cargo clippy --workspace --all-targets -- -D warnings

step "spec conformance: cargo xtask validate"
cargo xtask validate

step "independent spec validators and other-language generators"
for script in scripts/spec-tools.sh; do
  if [ -f "$script" ]; then bash "$script"; fi
done

if [ "${SKIP_OPENSTACK:-}" != 1 ] && [ -f scripts/openstack/up.sh ]; then
  step "real Keystone and Glance on 127.0.0.1"
  bash scripts/openstack/up.sh
  trap 'bash "$root/scripts/openstack/down.sh" || true' EXIT
  set -a
  # shellcheck disable=SC1091
  . .openstack/env
  set +a
fi

if [ "${SKIP_OPENSTACK:-}" != 1 ] && [ -f scripts/live-clients.sh ]; then
  step "generated Python and TypeScript clients, and schemathesis, against the real Glance"
  bash scripts/live-clients.sh
fi

step "cargo test (doc, unit, snapshot, HTTP and OpenStack tests)"
mkdir -p target
log=target/test-output.log
set +e
{ cargo test --workspace --doc && cargo test --workspace --all-targets; } 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# One closing line for the whole run: the sum of every test binary's result line.
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i; if ($(i+1) ~ /^ignored/) s += $i } }
     END { printf "\ncargo test: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"

step "the tls-ring build (no aws-lc): scripts/check-tls-ring.sh"
bash scripts/check-tls-ring.sh || status=1

if [ "${SKIP_OPENSTACK:-}" != 1 ] && [ -f scripts/demo.sh ]; then
  # The README's first command, against the Glance started above (up.sh only re-checks it)
  # and with the `ims` that cargo test built: it must print a table row of a seeded image.
  step "the README's first command: scripts/demo.sh"
  demo_log=target/demo-output.log
  if IMS_DEMO_BIN=target/debug/ims bash scripts/demo.sh >"$demo_log" 2>&1; then
    # The first image of the reference's list example ("CentOS 7.3 64bit vivado"), by id.
    demo_id=$(python3 -c 'import json, sys; print(next(i["id"] for i in json.load(open(sys.argv[1]))["images"] if i["ims_demo"] == "d01"))' .openstack/demo.json)
    if grep -F "$demo_id" "$demo_log" | grep -qF "CentOS 7.3"; then
      echo "demo: the listing has the row of $demo_id (CentOS 7.3 64bit vivado)"
    else
      cat "$demo_log"
      echo "demo: FAILED: no table row with $demo_id and its name in the output above" >&2
      status=1
    fi
  else
    cat "$demo_log"
    echo "demo: FAILED: scripts/demo.sh exited with an error (output above)" >&2
    status=1
  fi
fi
exit "$status"
