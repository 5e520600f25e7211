#!/usr/bin/env bash
# The `tls-ring` build (no aws-lc, no cmake) works: it pulls no aws-lc crate, and its `ims`
# lists images over TLS from a server on 127.0.0.1 (Python's ssl, the test certificates of
# tests/it/tls), trusting the test CA with --os-cacert. Run by scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
features=(--no-default-features --features cli,tls-ring)
if cargo tree "${features[@]}" -e normal --prefix none | grep -q '^aws-lc'; then
  echo "check-tls-ring: the tls-ring build still depends on aws-lc" >&2
  exit 1
fi
# A target dir of its own: the default build's artifacts stay as they are.
cargo build -q "${features[@]}" --bin ims --target-dir target/tls-ring
work=$(mktemp -d)
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
cat > "$work/serve.py" <<'PY'
import http.server, json, ssl, sys
body = json.dumps({"images": [{"id": "ring-1", "name": "over TLS", "status": "active"}]}).encode()
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain("tests/it/tls/server.pem", "tests/it/tls/server.key")
server.socket = context.wrap_socket(server.socket, server_side=True)
print(server.server_address[1], flush=True)
server.serve_forever()
PY
python3 "$work/serve.py" > "$work/port" &
server=$!
for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.1; done
port=$(cat "$work/port")
out=$(target/tls-ring/debug/ims --no-auth --endpoint "https://127.0.0.1:$port" \
  --os-cacert tests/it/tls/ca.pem image list -f value -c id)
if [ "$out" != "ring-1" ]; then
  echo "check-tls-ring: expected the image ring-1 over TLS, got: $out" >&2
  exit 1
fi
echo "check-tls-ring: the tls-ring build (no aws-lc) listed an image over TLS"
