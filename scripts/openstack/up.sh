#!/usr/bin/env bash
# Install (once), configure, start and seed a local Keystone and two Glance
# API instances on 127.0.0.1 for the client's integration tests.
# Idempotent: re-running with everything up only re-checks and re-seeds what
# is missing. Everything lives under <repo>/.openstack (git-ignored).
# See scripts/openstack/README.md.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OSD=${IMS_OPENSTACK_DIR:-$ROOT/.openstack}
HOST=127.0.0.1
KS_PORT=${IMS_OS_KEYSTONE_PORT:-35357}
GA_PORT=${IMS_OS_GLANCE_AUTH_PORT:-39292}
GN_PORT=${IMS_OS_GLANCE_NOAUTH_PORT:-39293}
WAIT_SECS=${IMS_OS_WAIT_SECS:-90}
PYTHON=${PYTHON:-python3}

# Fixed, test-only credentials (nothing here is a secret: it is a throwaway
# cloud bound to the loopback interface).
export IMS_OS_ADMIN_PASSWORD=ims-admin-pass
export IMS_OS_DEMO_PASSWORD=ims-demo-pass
export IMS_OS_GLANCE_PASSWORD=ims-glance-pass

VENV=$OSD/venv
BIN=$VENV/bin
LOG=$OSD/log
RUN=$OSD/run
KS_URL=http://$HOST:$KS_PORT
START=$SECONDS

say() { printf '[up %3ds] %s\n' "$((SECONDS - START))" "$*"; }
die() { printf '[up] ERROR: %s\n' "$*" >&2; exit 1; }

mkdir -p "$OSD" "$LOG" "$RUN"
# Eventlet and friends print pages of deprecation warnings into every log.
export PYTHONWARNINGS=ignore::DeprecationWarning

# ---------------------------------------------------------------- 1. venv
reqs_stamp() {
  { "$PYTHON" -c 'import sys; print(sys.version)'; cat "$HERE/requirements.txt" "$HERE/constraints.txt"; } | sha256sum | cut -d' ' -f1
}
want=$(reqs_stamp)
if [[ -x $BIN/python && -f $VENV/.ims-stamp && $(cat "$VENV/.ims-stamp") == "$want" ]]; then
  say "venv up to date ($VENV)"
else
  say "installing keystone + glance + gunicorn into $VENV (takes ~40 s)"
  [[ -x $BIN/python ]] || "$PYTHON" -m venv "$VENV"
  "$BIN/python" -m pip install -q --disable-pip-version-check --upgrade pip >"$LOG/pip.log" 2>&1 \
    || { tail -20 "$LOG/pip.log" >&2; die "pip upgrade failed (full log: $LOG/pip.log)"; }
  "$BIN/python" -m pip install -q --disable-pip-version-check \
      -r "$HERE/requirements.txt" -c "$HERE/constraints.txt" >>"$LOG/pip.log" 2>&1 \
    || { tail -30 "$LOG/pip.log" >&2; die "pip install failed (full log: $LOG/pip.log)"; }
  echo "$want" >"$VENV/.ims-stamp"
  say "venv ready"
fi

# ------------------------------------------------------- helpers: services
# write_conf FILE: write stdin to FILE if it differs; return 0 when changed.
write_conf() {
  local f=$1 tmp
  tmp=$(mktemp)
  cat >"$tmp"
  if [[ -f $f ]] && cmp -s "$tmp" "$f"; then rm -f "$tmp"; return 1; fi
  mv "$tmp" "$f"
  return 0
}

pid_of() { # prints the pid of a running service (from its pid file) or fails
  local pf=$RUN/$1.pid pid
  [[ -f $pf ]] || return 1
  pid=$(cat "$pf" 2>/dev/null) || return 1
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 1
  grep -q gunicorn "/proc/$pid/cmdline" 2>/dev/null || return 1
  echo "$pid"
}

stop_service() {
  local name=$1 pid i
  pid=$(pid_of "$name") || { rm -f "$RUN/$name.pid"; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  rm -f "$RUN/$name.pid"
}

answers() { curl -s -o /dev/null --max-time 3 "$1"; }

fail_with_logs() {
  local name=$1 msg=$2 f
  {
    echo "[up] ERROR: $msg"
    for f in "$LOG/$name.log" "$LOG/$name.gunicorn.log"; do
      [[ -s $f ]] || continue
      echo "----- last 40 lines of $f"
      tail -n 40 "$f"
    done
  } >&2
  exit 1
}

# start_service NAME PORT HEALTH_URL CONFIG_CHANGED APP [ENV=VAL...]
# A running instance is restarted when its config files or command line changed.
start_service() {
  local name=$1 port=$2 url=$3 changed=$4 app=$5 cmdline
  shift 5
  local cmd=(env "$@" "$BIN/gunicorn"
    --daemon --pid "$RUN/$name.pid" --chdir "$OSD" --pythonpath "$HERE"
    --bind "$HOST:$port" --workers 1 --worker-class gthread --threads 4
    --no-control-socket --timeout 120 --graceful-timeout 5 --capture-output
    --error-logfile "$LOG/$name.gunicorn.log" --access-logfile "$LOG/$name.access.log"
    --access-logformat '%(h)s %(t)s "%(r)s" %(s)s %(B)s %(M)sms'
    --name "ims-$name" "$app")
  cmdline=$(printf '%q ' "${cmd[@]}")
  [[ -f $RUN/$name.cmd && $(cat "$RUN/$name.cmd") == "$cmdline" ]] || changed=1
  if pid_of "$name" >/dev/null; then
    if [[ $changed == 0 ]]; then
      say "$name already running (pid $(pid_of "$name")) on $HOST:$port"
      return 0
    fi
    say "$name: configuration changed, restarting"
    stop_service "$name"
  fi
  rm -f "$RUN/$name.pid"
  if answers "$url"; then
    die "$HOST:$port already answers but is not ours ($name); stop it or set the port env var (see README.md)"
  fi
  say "starting $name on $HOST:$port"
  echo "$cmdline" >"$RUN/$name.cmd"
  "${cmd[@]}" >>"$LOG/$name.gunicorn.log" 2>&1 || fail_with_logs "$name" "gunicorn for $name did not start"
}

wait_for() { # wait_for NAME URL
  local name=$1 url=$2 deadline=$((SECONDS + WAIT_SECS)) code
  while :; do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$url" || true)
    [[ $code =~ ^[23] ]] && { say "$name answers ($url -> $code)"; return 0; }
    if ((SECONDS > deadline)); then
      fail_with_logs "$name" "$name did not answer $url within ${WAIT_SECS}s (last HTTP code: ${code:-none})"
    fi
    # gunicorn writes its pid file once the master is up; if it is gone the
    # master died (e.g. a worker failed to boot).
    if [[ -f $RUN/$name.pid ]] && ! pid_of "$name" >/dev/null; then
      fail_with_logs "$name" "$name exited during start-up"
    fi
    sleep 0.3
  done
}

# ------------------------------------------------------------ 2. keystone
KD=$OSD/keystone
mkdir -p "$KD/fernet-keys" "$KD/receipt-keys" "$KD/credential-keys"
chmod 700 "$KD/fernet-keys" "$KD/receipt-keys" "$KD/credential-keys"
ks_changed=0
write_conf "$KD/keystone.conf" <<EOF && ks_changed=1 || true
# Generated by scripts/openstack/up.sh; edits are overwritten.
[DEFAULT]
log_file = $LOG/keystone.log
debug = false

[database]
connection = sqlite:///$KD/keystone.db

[identity]
# Cheapest bcrypt cost: every token request verifies a password, and Glance's
# keystonemiddleware re-authenticates often with 60-second tokens.
password_hash_rounds = 4

[token]
provider = fernet
# 60-second tokens, so the client's token refresh can be tested.
expiration = 60

[fernet_tokens]
key_repository = $KD/fernet-keys

[fernet_receipts]
key_repository = $KD/receipt-keys

[credential]
key_repository = $KD/credential-keys

[cache]
# In-process cache: without it a token validation makes ~350 SQL queries
# (~1 s). Safe with our single gunicorn worker process: revocations
# invalidate the cache in that same process, and expiry is checked on every
# validation regardless.
enabled = true
backend = dogpile.cache.memory
EOF

KM=("$BIN/keystone-manage" --config-file "$KD/keystone.conf")
if [[ ! -f $KD/.initialised ]]; then
  say "keystone: db_sync, key repositories, bootstrap"
  ks_manage() {
    local owner=(--keystone-user "$(id -un)" --keystone-group "$(id -gn)")
    "${KM[@]}" db_sync || return 1
    [[ -e $KD/fernet-keys/0 ]] || "${KM[@]}" fernet_setup "${owner[@]}" || return 1
    [[ -e $KD/receipt-keys/0 ]] || "${KM[@]}" receipt_setup "${owner[@]}" || return 1
    [[ -e $KD/credential-keys/0 ]] || "${KM[@]}" credential_setup "${owner[@]}" || return 1
    "${KM[@]}" bootstrap \
      --bootstrap-username admin --bootstrap-password "$IMS_OS_ADMIN_PASSWORD" \
      --bootstrap-project-name admin --bootstrap-role-name admin \
      --bootstrap-service-name keystone --bootstrap-region-id RegionOne \
      --bootstrap-admin-url "$KS_URL/v3" --bootstrap-internal-url "$KS_URL/v3" \
      --bootstrap-public-url "$KS_URL/v3" || return 1
  }
  (ks_manage) >>"$LOG/keystone-manage.log" 2>&1 || fail_with_logs keystone-manage "keystone-manage failed"
  touch "$KD/.initialised"
fi
start_service keystone "$KS_PORT" "$KS_URL/v3" "$ks_changed" ims_keystone_wsgi:application \
  OS_KEYSTONE_CONFIG_DIR="$KD"

# --------------------------------------------------------------- 3. glance
# glance_config NAME PORT FLAVOR: writes $OSD/NAME/etc/*; echoes 1 if changed.
glance_config() {
  local name=$1 port=$2 flavor=$3 gd=$OSD/$1 changed=0 authsec=""
  mkdir -p "$gd/etc" "$gd/images" "$gd/staging" "$gd/tasks"
  sed -e "s#/etc/glance/healthcheck_disable#$gd/healthcheck_disable#" \
    "$VENV/etc/glance/glance-api-paste.ini" | write_conf "$gd/etc/glance-api-paste.ini" && changed=1
  if [[ $flavor == keystone ]]; then
    authsec="flavor = keystone

[keystone_authtoken]
www_authenticate_uri = $KS_URL/v3
auth_url = $KS_URL/v3
auth_type = password
username = glance
password = $IMS_OS_GLANCE_PASSWORD
project_name = service
user_domain_name = Default
project_domain_name = Default
region_name = RegionOne
# Validate every token with Keystone: revoked/expired tokens are refused at once.
token_cache_time = -1
http_connect_timeout = 5

[image_format]
# Glance's own list plus IMS's zvhd2/zvhd, so that the demo's images (scripts/demo.sh) carry
# the disk format of the API reference's examples.
disk_formats = ami,ari,aki,vhd,vhdx,vmdk,raw,qcow2,vdi,iso,ploop,zvhd2,zvhd"
  fi
  write_conf "$gd/etc/glance-api.conf" <<EOF && changed=1
# Generated by scripts/openstack/up.sh; edits are overwritten.
[DEFAULT]
log_file = $LOG/$name.log
debug = false
enabled_backends = fs:file
public_endpoint = http://$HOST:$port
show_image_direct_url = false
show_multiple_locations = false

[database]
connection = sqlite:///$gd/glance.db

[glance_store]
default_backend = fs

[fs]
filesystem_store_datadir = $gd/images/

[os_glance_staging_store]
filesystem_store_datadir = $gd/staging/

[os_glance_tasks_store]
filesystem_store_datadir = $gd/tasks/

[oslo_policy]
policy_file = $gd/etc/policy.yaml

[paste_deploy]
config_file = $gd/etc/glance-api-paste.ini
$authsec
EOF
  if [[ $flavor == keystone ]]; then
    echo '# default policies' | write_conf "$gd/etc/policy.yaml" && changed=1
  else
    # The unauthenticated pipeline has no roles: everyone is admin here.
    printf '%s\n' '"context_is_admin": "@"' | write_conf "$gd/etc/policy.yaml" && changed=1
  fi
  if [[ ! -f $gd/.initialised ]]; then
    "$BIN/glance-manage" --config-file "$gd/etc/glance-api.conf" db_sync >>"$LOG/$name-manage.log" 2>&1 \
      || fail_with_logs "$name-manage" "glance-manage db_sync failed for $name"
    touch "$gd/.initialised"
  fi
  echo "$changed"
}

ga_changed=$(glance_config glance-auth "$GA_PORT" keystone)
gn_changed=$(glance_config glance-noauth "$GN_PORT" none)
start_service glance-auth "$GA_PORT" "http://$HOST:$GA_PORT/healthcheck" "$ga_changed" \
  glance.wsgi.api:application OS_GLANCE_CONFIG_DIR="$OSD/glance-auth/etc"
start_service glance-noauth "$GN_PORT" "http://$HOST:$GN_PORT/healthcheck" "$gn_changed" \
  glance.wsgi.api:application OS_GLANCE_CONFIG_DIR="$OSD/glance-noauth/etc"

wait_for keystone "$KS_URL/v3"
wait_for glance-auth "http://$HOST:$GA_PORT/healthcheck"
wait_for glance-noauth "http://$HOST:$GN_PORT/healthcheck"

# ------------------------------------------ 4. keystone data, seed, env files
export IMS_OS_DIR=$OSD IMS_OS_KEYSTONE_URL=$KS_URL
export IMS_OS_GLANCE_AUTH_URL=http://$HOST:$GA_PORT IMS_OS_GLANCE_NOAUTH_URL=http://$HOST:$GN_PORT
say "keystone: services, endpoints, users"
"$BIN/python" "$HERE/provision.py" keystone
say "seeding images"
"$BIN/python" "$HERE/provision.py" seed
"$BIN/python" "$HERE/provision.py" env
if [[ ${IMS_OS_DEMO:-0} == 1 ]]; then
  # scripts/demo.sh: a project of its own with images shaped like the API reference's examples.
  say "demo: project ims-demo, its images, $OSD/demo-env"
  "$BIN/python" "$HERE/provision.py" demo
fi
say "ready in $((SECONDS - START)) s: source $OSD/env"
