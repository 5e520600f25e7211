#!/usr/bin/env bash
# Checks openapi/ims.yaml with tools that are not ours, and proves that clients in other
# languages can be generated from it and agree with its examples:
#
#   1. openapi-spec-validator               (Python)  zero errors, for the YAML and for the
#                                                     derived openapi/ims.json, which must
#                                                     hold the same document
#   2. redocly lint        (redocly.yaml)   (Node)    zero problems
#   3. spectral lint       (.spectral.yaml) (Node)    zero errors and warnings
#   4. TypeScript: openapi-typescript types, every example as a typed constant, a small
#      consumer (clients/typescript/check-examples.ts), compiled with `strict` and run
#   5. Python: datamodel-codegen pydantic v2 models, every example loaded and dumped back
#      unchanged (clients/python/check_examples.py)
#   6. Redoc: the reference `redocly build-docs` writes, rendered by headless Chromium: every
#      parameter with known values (closed and open enums) shows all of them
#      (scripts/redoc-known-values.py; Chromium from the system: apt-get install chromium)
#
# The tools are pinned (scripts/requirements-spec.txt with hashes, package-lock.json) and
# installed into git-ignored folders of the repo, .venv/ and node_modules/, only when missing
# or when the pins changed. Generated code goes to target/spec-clients/ (git-ignored).
# Installing stops at the first failure. The six checks then all run, each stopping at its
# own first failing command, and the script exits non-zero naming every check that failed.
#
#   bash scripts/spec-tools.sh
#   SPEC=/tmp/ims-broken.yaml bash scripts/spec-tools.sh    check another copy of the spec
set -euo pipefail
cd "$(dirname "$0")/.."

SPEC=${SPEC:-openapi/ims.yaml}
OUT=target/spec-clients
VENV=.venv
BIN=node_modules/.bin

# No telemetry, update checks or install-time analytics: CI reaches only package registries.
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true REDOCLY_SUPPRESS_NOTIFICATIONS=true
export SCARF_ANALYTICS=false DO_NOT_TRACK=1 NO_UPDATE_NOTIFIER=1
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
export PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1

started=$SECONDS
step() { printf '\n---- spec-tools: %s\n' "$*"; }
sha() { sha256sum "$@" | sha256sum | cut -d' ' -f1; }

[ -f "$SPEC" ] || { echo "spec-tools: no spec at $SPEC" >&2; exit 1; }

# ------------------------------------------------------------------------------- tools
step "Python tools in $VENV (scripts/requirements-spec.txt)"
want="$(python3 --version 2>&1) $(sha scripts/requirements-spec.txt)"
if [ -x "$VENV/bin/python" ] && [ "$(cat "$VENV/.spec-tools-stamp" 2>/dev/null)" = "$want" ]; then
  echo "up to date"
else
  "$VENV/bin/python" -c '' 2>/dev/null || { rm -rf "$VENV"; python3 -m venv "$VENV"; }
  "$VENV/bin/python" -m pip install --quiet --require-hashes -r scripts/requirements-spec.txt
  echo "$want" >"$VENV/.spec-tools-stamp"
  echo "installed"
fi

step "Node tools in node_modules (package-lock.json)"
want="$(node --version) $(sha package.json package-lock.json)"
if [ -d node_modules ] && [ "$(cat node_modules/.spec-tools-stamp 2>/dev/null)" = "$want" ]; then
  echo "up to date"
else
  # No install scripts: none of these tools needs one (and one dependency's only reports usage).
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
  echo "$want" >node_modules/.spec-tools-stamp
  echo "installed"
fi

rm -rf "$OUT"
mkdir -p "$OUT/ts" "$OUT/python" "$OUT/redoc"

# ------------------------------------------------------------------------------- checks
check_validator() {
  step "openapi-spec-validator $SPEC"
  "$VENV/bin/openapi-spec-validator" "$SPEC"

  if [ "$SPEC" = openapi/ims.yaml ] && [ -f openapi/ims.json ]; then
    step "openapi/ims.json: valid, and the same document as openapi/ims.yaml (read by PyYAML)"
    "$VENV/bin/openapi-spec-validator" openapi/ims.json
    "$VENV/bin/python" - openapi/ims.yaml openapi/ims.json <<'PY'
import json, sys, yaml
with open(sys.argv[1], encoding="utf-8") as y, open(sys.argv[2], encoding="utf-8") as j:
    same = yaml.safe_load(y) == json.load(j)
sys.exit(0 if same else f"{sys.argv[2]} differs from {sys.argv[1]}: run `cargo xtask codegen`")
PY
  fi
}

check_redocly() {
  step "redocly lint (redocly.yaml: every rule, as errors)"
  "$BIN/redocly" lint --config redocly.yaml --format=stylish "$SPEC"
}

check_spectral() {
  step "spectral lint (.spectral.yaml: spectral:oas, all rules; warnings fail)"
  "$BIN/spectral" lint --ruleset .spectral.yaml --fail-severity=warn --format=stylish "$SPEC"
}

check_typescript() {
  step "TypeScript: openapi-typescript -> $OUT/ts/ims.ts"
  # Its own Redocly config: minimal rules, examples not checked (tsc does that below).
  "$BIN/openapi-typescript" "$SPEC" --redocly clients/typescript/redocly.yaml --output "$OUT/ts/ims.ts"

  step "TypeScript: examples as typed constants -> $OUT/ts/examples.ts"
  node clients/typescript/extract-examples.mjs "$SPEC" ./ims.js "$OUT/ts/examples.ts"

  step "TypeScript: tsc --strict (clients/typescript/tsconfig.json)"
  if ! "$BIN/tsc" --project clients/typescript/tsconfig.json >"$OUT/ts/tsc.log" 2>&1; then
    cat "$OUT/ts/tsc.log"
    node clients/typescript/extract-examples.mjs --explain "$OUT/ts/examples.ts" "$OUT/ts/tsc.log"
    return 1
  fi
  cat "$OUT/ts/tsc.log"

  step "TypeScript: run clients/typescript/check-examples.ts"
  node "$OUT/ts/build/clients/typescript/check-examples.js"
}

check_python() {
  step "Python: datamodel-codegen (pydantic v2) -> $OUT/python/ims_models.py"
  # Unknown fields: no --extra-fields override. The generator gives each model whose schema
  #   says `additionalProperties: {}` extra='allow', and check_examples.py proves that every
  #   object of every example keeps an unknown field; a schema that forgot it fails the check
  #   instead of being papered over by a global "allow".
  # --strict-nullable: types follow `nullable` (without it, the nullable values of the
  #   `metadata`/`properties` maps would refuse null).
  "$VENV/bin/datamodel-codegen" \
    --input "$SPEC" --input-file-type openapi \
    --output-model-type pydantic_v2.BaseModel \
    --output "$OUT/python/ims_models.py" \
    --target-python-version 3.11 \
    --strict-nullable \
    --use-annotated --field-constraints --use-standard-collections --use-union-operator \
    --use-schema-description --use-field-description \
    --disable-timestamp --formatters builtin

  step "Python: load and dump every example (clients/python/check_examples.py)"
  "$VENV/bin/python" clients/python/check_examples.py "$SPEC" "$OUT/python/ims_models.py"
}

check_redoc() {
  step "Redoc: redocly build-docs -> $OUT/redoc/index.html, rendered: every enum parameter shows its values"
  "$BIN/redocly" build-docs "$SPEC" --config redocly.yaml --output "$OUT/redoc/index.html"
  # The page imports Redoc from its CDN; the check renders it with the same version the CLI ships.
  "$VENV/bin/python" scripts/redoc-known-values.py "$SPEC" "$OUT/redoc" \
    node_modules/@redocly/cli/lib/chunks/redoc.standalone.js
}

failed=()
for check in validator redocly spectral typescript python redoc; do
  # A subshell outside any condition, so that `set -e` holds inside it: the check stops at
  # its first failing command.
  set +e
  (set -e; "check_$check")
  status=$?
  set -e
  if [ $status -ne 0 ]; then
    printf '\nspec-tools: %s FAILED (exit %s)\n' "$check" "$status" >&2
    failed+=("$check")
  fi
done

if [ ${#failed[@]} -ne 0 ]; then
  printf '\nspec-tools: FAILED: %s (%ss)\n' "${failed[*]}" "$((SECONDS - started))" >&2
  exit 1
fi
printf '\nspec-tools: all checks passed (validator, redocly, spectral, typescript, python, redoc) in %ss\n' "$((SECONDS - started))"
