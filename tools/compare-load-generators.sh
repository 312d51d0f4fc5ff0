#!/usr/bin/env bash
# Is the load generator the bottleneck? Runs the `load` verb, wrk (HTTP/1.1), h2load (gRPC over h2c) and Locust
# one after another, closed loop with the same number of users, against one TorchServe emulator (canned backend)
# with the same request body, and prints each tool's request rate and the load verb's ratio to it.
# Targets (issue 9): load ≥ 0.6× wrk and ≥ 0.6× h2load, ≥ 5× Locust. Run it on a quiet machine.
#
# Two layouts. Shared (the default): generator and server share every core, so each tool's own CPU is taken from the
# server and the ratios compare the tools' CPU per request. Pinned (PIN=1): the server gets core 0 and every
# generator the other cores (taskset), as a generator on its own machine would; the ratios then say whether a
# generator keeps the server busy, which is what "the generator is not the bottleneck" asks.
#
#   tools/compare-load-generators.sh            # 10 users, 10 s per tool, shared cores
#   PIN=1 tools/compare-load-generators.sh      # server on core 0, generators on the rest
#   USERS=25 SECONDS_PER_TOOL=20 tools/compare-load-generators.sh
#
# Needs: apt-get install wrk nghttp2-client python3-locust (the script says which one is missing).
set -euo pipefail
cd "$(dirname "$0")/.."

users=${USERS:-10}
seconds=${SECONDS_PER_TOOL:-10}
port_offset=${PORT_OFFSET:-20000}
body=fixtures/text/article.txt
for tool in wrk h2load locust python3; do
  command -v "$tool" >/dev/null || { echo "compare-load-generators: '$tool' is not installed (apt-get install wrk nghttp2-client python3-locust)" >&2; exit 2; }
done
[[ "$users" =~ ^[1-9][0-9]*$ ]] || { echo "compare-load-generators: USERS='$users' is not a positive integer" >&2; exit 2; }
[[ "$seconds" =~ ^[1-9][0-9]*$ ]] || { echo "compare-load-generators: SECONDS_PER_TOOL='$seconds' is not a positive integer" >&2; exit 2; }
server_cpus=() client_cpus=() layout="$(nproc) cores shared with the server"
case "${PIN:-0}" in
  0) ;;
  1) (( $(nproc) >= 2 )) || { echo "compare-load-generators: PIN=1 needs at least 2 cores, this machine has $(nproc)" >&2; exit 2; }
     command -v taskset >/dev/null || { echo "compare-load-generators: PIN=1 needs taskset (apt-get install util-linux)" >&2; exit 2; }
     server_cpus=(taskset -c 0) client_cpus=(taskset -c "1-$(( $(nproc) - 1 ))")
     layout="server pinned to core 0, generators to cores 1-$(( $(nproc) - 1 ))" ;;
  *) echo "compare-load-generators: PIN='$PIN' must be 0 or 1" >&2; exit 2 ;;
esac

dotnet build benchmarks/ServingBench -c Release -v quiet -nologo >/dev/null
app=benchmarks/ServingBench/bin/Release/net10.0/linux-x64/ServingBench
work=$(mktemp -d)
rest=http://127.0.0.1:$((8080 + port_offset))
grpc=http://127.0.0.1:$((7070 + port_offset))

# The emulator in its own process, stopped by its pid on every exit path (SIGTERM: a background job of a
# non-interactive shell ignores SIGINT).
"${server_cpus[@]}" "$app" serve --framework torchserve --port-offset "$port_offset" --torchserve-answers tensor >"$work/serve.log" 2>&1 &
server=$!
trap 'kill -TERM "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do
  curl -fs "$rest/ping" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { cat "$work/serve.log" >&2; exit 1; }
  sleep 0.2
done

# The gRPC request h2load sends: one length-prefixed PredictionsRequest {model_name: "bart", input: {"data": <file>}},
# the bytes the suite's TorchServe gRPC client sends for this payload.
python3 - "$body" "$work/request.grpc" <<'EOF'
import struct, sys

def varint(n):
    out = bytearray()
    while True:
        low, n = n & 0x7F, n >> 7
        out.append(low | (0x80 if n else 0))
        if not n:
            return bytes(out)

def field(number, payload):
    return varint(number << 3 | 2) + varint(len(payload)) + payload

text = open(sys.argv[1], "rb").read()
message = field(1, b"bart") + field(3, field(1, b"data") + field(2, text))
open(sys.argv[2], "wb").write(b"\0" + struct.pack(">I", len(message)) + message)
EOF

load_rps() { # scenario target client → the load verb's requests/s
  "${client_cpus[@]}" "$app" load --scenario "$1" --payload bart-text --users "$users" --duration "${seconds}s" --warmup 2s \
    --target "$2" --client "$3" --output "$work/load-$1-$3" >"$work/load-$1-$3.log" 2>&1 || { cat "$work/load-$1-$3.log" >&2; exit 1; }
  python3 -c 'import json,sys; print("%.0f" % json.load(open(sys.argv[1]))["steps"][0]["rps"])' "$work/load-$1-$3/summary.json"
}

load_rest=$(load_rps torchserve-rest-raw "$rest" full)
lean_rest=$(load_rps torchserve-rest-raw "$rest" lean)
wrk_rest=$(BODY_FILE="$body" "${client_cpus[@]}" wrk -t2 -c"$users" -d"${seconds}s" -s tools/post-body.lua "$rest/predictions/bart" \
  | awk '/^Requests\/sec/ {printf "%.0f", $2}')
load_grpc=$(load_rps torchserve-grpc-raw "$grpc" full)
lean_grpc=$(load_rps torchserve-grpc-raw "$grpc" lean)
h2load_grpc=$("${client_cpus[@]}" h2load -c1 -m"$users" -D"$seconds" --warm-up-time=2 -d "$work/request.grpc" \
  -H 'content-type: application/grpc' -H 'te: trailers' \
  "$grpc/org.pytorch.serve.grpc.inference.InferenceAPIsService/Predictions" \
  | awk '/^finished in/ {gsub(",", "", $4); printf "%.0f", $4}')
(cd "$work" && BODY_FILE="$OLDPWD/$body" TARGET_PATH=/predictions/bart "${client_cpus[@]}" locust -f "$OLDPWD/tools/locustfile.py" --headless \
  -u "$users" -r "$users" -t "${seconds}s" --host "$rest" --only-summary --csv locust >locust.log 2>&1)
locust_rest=$(awk -F, '$2 == "Aggregated" {printf "%.0f", $10}' "$work/locust_stats.csv")

ratio() { python3 -c 'import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); print("%.2f×" % (a / b) if b else "n/a")' "$1" "$2"; }
echo "Closed loop, $users users, $seconds s per tool, torchserve bart-text (canned backend), $layout:"
printf '%-24s %-8s %12s %30s\n' tool protocol "requests/s" "load full / lean ÷ tool"
printf '%-24s %-8s %12s %30s\n' "load verb --client full" REST "$load_rest" ""
printf '%-24s %-8s %12s %30s\n' "load verb --client lean" REST "$lean_rest" ""
printf '%-24s %-8s %12s %30s\n' "wrk -t2" REST "$wrk_rest" "$(ratio "$load_rest" "$wrk_rest") / $(ratio "$lean_rest" "$wrk_rest") (≥ 0.6×)"
printf '%-24s %-8s %12s %30s\n' "Locust (HttpUser)" REST "$locust_rest" "$(ratio "$load_rest" "$locust_rest") / $(ratio "$lean_rest" "$locust_rest") (≥ 5×)"
printf '%-24s %-8s %12s %30s\n' "load verb --client full" gRPC "$load_grpc" ""
printf '%-24s %-8s %12s %30s\n' "load verb --client lean" gRPC "$lean_grpc" ""
printf '%-24s %-8s %12s %30s\n' "h2load -c1 -m$users" gRPC "$h2load_grpc" "$(ratio "$load_grpc" "$h2load_grpc") / $(ratio "$lean_grpc" "$h2load_grpc") (≥ 0.6×)"
