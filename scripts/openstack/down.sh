#!/usr/bin/env bash
# Stop the local Keystone and Glance instances started by up.sh (by their pid
# files). The install, databases and seed data stay for the next up.sh.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OSD=${IMS_OPENSTACK_DIR:-$(cd "$HERE/../.." && pwd)/.openstack}
RUN=$OSD/run

for name in glance-noauth glance-auth keystone; do
  pf=$RUN/$name.pid
  if [[ ! -f $pf ]]; then echo "[down] $name: not running"; continue; fi
  pid=$(cat "$pf")
  if [[ -z $pid ]] || ! kill -0 "$pid" 2>/dev/null || ! grep -q gunicorn "/proc/$pid/cmdline" 2>/dev/null; then
    echo "[down] $name: stale pid file"; rm -f "$pf"; continue
  fi
  kill -TERM "$pid"
  for ((i = 0; i < 75; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then
    echo "[down] $name: still running after 15 s, killing"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pf"
  echo "[down] $name stopped (pid $pid)"
done
