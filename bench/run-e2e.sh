#!/usr/bin/env bash
# End-to-end comparisons with `ssesim bench`, each ratio measured in one run on this machine:
#   SseSim (Release, its own process, fresh data dir, KMS quotas off), the plain-copy baseline
#   (bench/SseSim.Bench plain-copy-server), the in-memory AES-GCM ceiling for small objects
#   (bench/SseSim.Bench memory-ceiling-server) and moto_server, all on loopback.
# Usage: bench/run-e2e.sh [seconds per timed run, default 10] [output dir, default bench/e2e-out] [rounds, default 3]
# Rows whose two sides ran seconds apart on a noisy VM moved by 0.2x from run to run, so those ratios are measured in
# alternating rounds (SseSim, baseline, SseSim, baseline, ...) and each side's rate is the mean of its rounds: drift in
# the machine (other tenants, the block store's background compaction) then falls on both sides alike.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-10}
OUT=${2:-bench/e2e-out}
ROUNDS=${3:-3}
rm -rf "$OUT"; mkdir -p "$OUT"
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1

for p in src/SseSim.Server src/SseSim.Cli bench/SseSim.Bench; do dotnet build -c Release -v q "$p" >/dev/null; done
SSESIM="dotnet src/SseSim.Cli/bin/Release/net10.0/ssesim.dll"
port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
wait_http() { for _ in $(seq 1 300); do curl -s -o /dev/null "$1" && return 0; sleep 0.2; done; echo "no answer from $1" >&2; return 1; }

PIDS=()
DATA=$(mktemp -d /tmp/ssesim-e2e-XXXXXX)
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$DATA"; }
trap cleanup EXIT

SP=$(port); NP=$(port); PP=$(port); MP=$(port); CP=$(port)
dotnet src/SseSim.Server/bin/Release/net10.0/SseSim.Server.dll --port "$SP" --nbd-port "$NP" --data-dir "$DATA/sse" \
    --kms-quotas false >"$OUT/ssesim.log" 2>&1 &
SSE_PID=$!; PIDS+=("$SSE_PID")
dotnet bench/SseSim.Bench/bin/Release/net10.0/SseSim.Bench.dll plain-copy-server "$PP" >"$OUT/plain.log" 2>&1 &
PIDS+=($!)
moto_server -H 127.0.0.1 -p "$MP" >"$OUT/moto.log" 2>&1 &
PIDS+=($!)
dotnet bench/SseSim.Bench/bin/Release/net10.0/SseSim.Bench.dll memory-ceiling-server "$CP" >"$OUT/ceiling.log" 2>&1 &
PIDS+=($!)
SSE=http://127.0.0.1:$SP PLAIN=http://127.0.0.1:$PP MOTO=http://127.0.0.1:$MP CEILING=http://127.0.0.1:$CP
wait_http "$SSE/_ssesim/health"; wait_http "$PLAIN/"; wait_http "$MOTO/"; wait_http "$CEILING/"

run() { # name, then ssesim bench options
    local name=$1; shift
    echo "== $name: ssesim bench $*" >&2
    $SSESIM bench --quiet --out "$OUT/$name" "$@" >/dev/null
}
alternate() { # name-a, name-b, options shared by both, then after "--" a's own options, then after "--" b's own
    local a=$1 b=$2; shift 2
    local shared=() own_a=() own_b=()
    while [ "$1" != -- ]; do shared+=("$1"); shift; done; shift
    while [ "$1" != -- ]; do own_a+=("$1"); shift; done; shift
    own_b=("$@")
    for i in $(seq 1 "$ROUNDS"); do
        # Only the first round warms up: later rounds find both paths already hot.
        local warm=()
        if [ "$i" = 1 ]; then warm=(--warmup 5s); fi
        run "$a-$i" "${shared[@]}" "${warm[@]}" "${own_a[@]}"
        run "$b-$i" "${shared[@]}" "${warm[@]}" "${own_b[@]}"
    done
}
# --warmup: the same workload runs unmeasured first, for both targets, so the window measures the steady rate rather than
# the server's and the client's JIT tier-up on a freshly started path (the 64 MiB PUT is the first work a fresh server
# sees; without a warm-up its measured PUTs shared the CPU with the JIT compiling the whole request path).
big="--workload s3-put --size 64MiB --keys 4 --concurrency 1 --count 6"
alternate put64-sse put64-plain $big -- --endpoint-url "$SSE" --sse kms --server-pid "$SSE_PID" -- --endpoint-url "$PLAIN" --sse none
bigget="--workload s3-get --size 64MiB --keys 4 --concurrency 1 --count 12"
alternate get64-sse get64-plain $bigget -- --endpoint-url "$SSE" --sse kms --server-pid "$SSE_PID" -- --endpoint-url "$PLAIN" --sse none
small="--client http --workload s3-mixed --read-percent 50 --size 4KiB --keys 256 --concurrency 16 --warmup 5s --duration ${SECS}s"
run small-sse --endpoint-url "$SSE" --sse kms $small --server-pid "$SSE_PID"
run small-moto --endpoint-url "$MOTO" --sse kms $small
# Not a target: how many ops/s this machine gives Kestrel with one AES-GCM per request and nothing else (no auth, KMS,
# audit or durability; --sse none since it has no KMS to create a key in), so the 50x row can be read against it.
run small-ceiling --endpoint-url "$CEILING" --sse none $small
gdk="--client http --workload kms-gdk --concurrency 16 --duration ${SECS}s"
alternate gdk-sse gdk-moto $gdk -- --endpoint-url "$SSE" --server-pid "$SSE_PID" -- --endpoint-url "$MOTO"
run bucketkey --endpoint-url "$SSE" --sse kms-bucket-key --workload s3-put --size 4KiB --keys 1000 --count 1000 --concurrency 8

EP="--endpoint-url $SSE"
INSTANCE=$(aws $EP ec2 run-instances --image-id ami-12345678 --count 1 --query 'Instances[0].InstanceId' --output text)
ENC=$(aws $EP ec2 create-volume --availability-zone us-east-1a --size 2 --encrypted --query VolumeId --output text)
RAW=$(aws $EP ec2 create-volume --availability-zone us-east-1a --size 2 --no-encrypted --query VolumeId --output text)
aws $EP ec2 attach-volume --volume-id "$ENC" --instance-id "$INSTANCE" --device /dev/sdf >/dev/null
aws $EP ec2 attach-volume --volume-id "$RAW" --instance-id "$INSTANCE" --device /dev/sdg >/dev/null
nbd="--workload nbd --nbd-port $NP --block-size 4KiB --queue-depth 16 --pattern random --nbd-op write --duration ${SECS}s"
alternate nbd-enc nbd-raw $nbd -- --export "$ENC" --server-pid "$SSE_PID" -- --export "$RAW" --server-pid "$SSE_PID"

# 1 MiB sequential with qemu-img bench (issue 4 names it): one untimed pass writes every block of both 2 GiB
# volumes, so the timed write pass overwrites and the read passes (sequential, then 4 KiB random) read stored
# blocks, never the unwritten zeros that need no decryption; MiB/s per volume.
qbench() { # name, volume, extra qemu-img bench flags
    local name=$1 vol=$2; shift 2
    local secs
    secs=$(qemu-img bench -f raw "$@" -c 1024 -d 4 -s 1M "nbd://127.0.0.1:$NP/$vol" 2>&1 | sed -n 's/^Run completed in \([0-9.]*\) seconds.*/\1/p')
    mkdir -p "$OUT/$name"
    python3 -c "import json,sys; s=float(sys.argv[1]); json.dump({'miBPerSecond': 1024/s, 'seconds': s, 'errors': 0}, open(sys.argv[2],'w'))" "$secs" "$OUT/$name/report.json"
}
for v in "$ENC" "$RAW"; do qemu-img bench -f raw -w -c 2048 -d 4 -s 1M "nbd://127.0.0.1:$NP/$v" >/dev/null; done
qbench seqw-enc "$ENC" -w; qbench seqw-raw "$RAW" -w
qbench seqr-enc "$ENC"; qbench seqr-raw "$RAW"
nbdr="--workload nbd --nbd-port $NP --block-size 4KiB --queue-depth 16 --pattern random --nbd-op read --duration ${SECS}s"
alternate nbdr-enc nbdr-raw $nbdr -- --export "$ENC" -- --export "$RAW"
# Read every block of both volumes back once (nbdcopy stops at the first I/O error): the random reads sample only a
# few percent of the blocks, and a block that fails its tag must show here even when no sampled read hit it.
for kind in enc raw; do
    if [ "$kind" = enc ]; then vol=$ENC; else vol=$RAW; fi
    if nbdcopy "nbd://127.0.0.1:$NP/$vol" null: 2>"$OUT/readback-$kind.err"; then echo ok; else echo failed; fi >"$OUT/readback-$kind"
done

python3 - "$OUT" <<'PY'
import json, sys, os
out = sys.argv[1]
r = lambda n: json.load(open(os.path.join(out, n, "report.json")))
def rounds(n):
    """A single run's report, or the alternating rounds n-1, n-2, ... of one side."""
    if os.path.isdir(os.path.join(out, n)):
        return [r(n)]
    found, i = [], 1
    while os.path.isdir(os.path.join(out, f"{n}-{i}")):
        found.append(r(f"{n}-{i}"))
        i += 1
    return found
def row(what, a, b, key, target, ge=True):
    ra, rb = rounds(a), rounds(b)
    va, vb = sum(x[key] for x in ra) / len(ra), sum(x[key] for x in rb) / len(rb)
    ratio = va / vb if vb else float("nan")
    ok = ratio >= target if ge else ratio <= target
    unit = "MiB/s" if key == "miBPerSecond" else "ops/s"
    err = sum(x["errors"] for x in ra + rb)
    each = f" (rounds: {', '.join(f'{x[key] / y[key]:.2f}x' for x, y in zip(ra, rb))})" if len(ra) > 1 else ""
    print(f"| {what} | {va:,.1f} vs {vb:,.1f} {unit}{each} | **{ratio:.2f}x** | >= {target}x | {'yes' if ok else 'no'} | {err} |")
print("| What | SseSim vs baseline | Ratio | Target | Met | Errors |")
print("|---|---|---|---|---|---|")
row("SSE-KMS 64 MiB PUT vs plain copy", "put64-sse", "put64-plain", "miBPerSecond", 0.70)
row("SSE-KMS 64 MiB GET vs plain copy", "get64-sse", "get64-plain", "miBPerSecond", 0.70)
row("4 KiB SSE-KMS PUT+GET (50/50, 16 clients) vs moto_server", "small-sse", "small-moto", "opsPerSecond", 50)
row("KMS GenerateDataKey over HTTP (16 clients) vs moto_server", "gdk-sse", "gdk-moto", "opsPerSecond", 80)
ce, sm, mo = r("small-ceiling")["opsPerSecond"], r("small-sse")["opsPerSecond"], r("small-moto")["opsPerSecond"]
print(f"| 4 KiB PUT+GET on the in-memory AES-GCM ceiling (not a target) | {ce:,.1f} ops/s: SseSim {sm / ce:.0%} of it, 50x moto_server {50 * mo / ce:.0%} of it | | | | {r('small-ceiling')['errors']} |")
bk = r("bucketkey")
calls = bk.get("kmsCalls", {}).get("calls")
print(f"| KMS calls per 1,000 PUTs with a bucket key | {calls} calls for {bk['successes']} PUTs | {calls} | <= 10 | {'yes' if calls is not None and calls <= 10 and bk['successes'] == 1000 else 'no'} | {bk['errors']} |")
row("Encrypted NBD 4 KiB random write IOPS (depth 16) vs unencrypted", "nbd-enc", "nbd-raw", "opsPerSecond", 0.70)
row("Encrypted NBD 4 KiB random read IOPS (depth 16) vs unencrypted", "nbdr-enc", "nbdr-raw", "opsPerSecond", 0.70)
row("Encrypted NBD 1 MiB sequential write (qemu-img bench, depth 4) vs unencrypted", "seqw-enc", "seqw-raw", "miBPerSecond", 0.70)
row("Encrypted NBD 1 MiB sequential read (qemu-img bench, depth 4) vs unencrypted", "seqr-enc", "seqr-raw", "miBPerSecond", 0.70)
for n in ["put64-sse", "get64-sse", "small-sse", "gdk-sse", "nbd-enc"]:
    s = rounds(n)[0].get("server")
    if s: print(f"server during {n}: {s.get('cpuPercent')} % CPU, RSS {s.get('rssBytes', 0)/1048576:.0f} MiB (peak {s.get('peakRssBytes', 0)/1048576:.0f}) from {s['source']}")
for kind, what in [("enc", "encrypted"), ("raw", "unencrypted")]:
    ok = open(os.path.join(out, f"readback-{kind}")).read().strip() == "ok"
    print(f"| Full read-back of the {what} 2 GiB volume (nbdcopy) | every block | | no I/O error | {'yes' if ok else 'no'} | {0 if ok else 1} |")
print("machine:", bk["machine"])
PY
