#!/usr/bin/env bash
# Issue 7's "largest load held with zero errors": spawns SseSim (Release, fresh data dir, default settings including
# KMS request quotas) and runs one mixed SSE-KMS workload for a fixed time with `ssesim bench`.
# Usage: bench/run-soak.sh [duration, default 600s] [concurrency, default 16] [output dir, default bench/soak-out]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-600s}
CONC=${2:-16}
OUT=${3:-bench/soak-out}
rm -rf "$OUT"; mkdir -p "$OUT"
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1
for p in src/SseSim.Server src/SseSim.Cli; do dotnet build -c Release -v q "$p" >/dev/null; done
port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
DATA=$(mktemp -d /tmp/ssesim-soak-XXXXXX)
SP=$(port); NP=$(port)
dotnet src/SseSim.Server/bin/Release/net10.0/SseSim.Server.dll --port "$SP" --nbd-port "$NP" --data-dir "$DATA" >"$OUT/ssesim.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$DATA"' EXIT
for _ in $(seq 1 300); do curl -s -o /dev/null "http://127.0.0.1:$SP/_ssesim/health" && break; sleep 0.2; done
# Mostly small objects with some 1 MiB ones, half reads, every PUT SSE-KMS (one GenerateDataKey, every GET one Decrypt).
dotnet src/SseSim.Cli/bin/Release/net10.0/ssesim.dll bench --endpoint-url "http://127.0.0.1:$SP" --client http --sse kms \
    --workload s3-mixed --read-percent 50 --size 4KiB:90,1MiB:10 --keys 512 --concurrency "$CONC" --duration "$DURATION" \
    --server-pid "$PID" --quiet --out "$OUT/run" >/dev/null
python3 - "$OUT/run/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
s = r.get("server") or {}
print(f"{r['settings'].get('concurrency', '?')} clients, {r['opsPerSecond']:,.0f} ops/s ({r['miBPerSecond']:,.1f} MiB/s) for "
      f"{r['elapsedSeconds']:.0f} s: {r['successes']:,} ok, {r['errors']} errors {r.get('errorsByCode', {})}; "
      f"p50 {r['latency']['p50Ms']} ms, p99 {r['latency']['p99Ms']} ms; server {s.get('cpuPercent')} % CPU, "
      f"peak RSS {s.get('peakRssBytes', 0)/1048576:.0f} MiB; {r['machine']}")
PY
