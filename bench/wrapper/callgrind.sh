#!/usr/bin/env bash
# Client instructions per call of one cpu-probe.mjs variant, main thread only, measured calls only:
#   bench/wrapper/callgrind.sh <variant> [calls]     (variants: bare, bare.raw, prepared, raw; needs valgrind)
# The probe warms up (WARMUP calls, default 8000: V8 keeps compiling for about 9,000), then the counters are zeroed
# (callgrind_control -z) and CALLS calls run, so start-up and JIT compilation on the main thread are not counted.
# Leaves <out>/cg (the profile, with --perf-basic-prof's map beside it as <out>/perf.map) for function-level
# reading; prints the instructions per call, with and without garbage collection (which varies from run to run).
set -euo pipefail
variant=${1:?variant}
calls=${2:-3000}
here=$(cd "$(dirname "$0")" && pwd)
out=${OUT:-$(mktemp -d)}
sync="$out/sync"
rm -f "$sync".*
(cd "$here/.." && CALLS=$calls SYNC=$sync valgrind --tool=callgrind --separate-threads=yes \
  --callgrind-out-file="$out/cg" node --perf-basic-prof wrapper/cpu-probe.mjs "$variant" >"$out/log" 2>&1) &
job=$!
until [ -e "$sync.warm" ]; do sleep 0.5; kill -0 $job 2>/dev/null || { cat "$out/log"; exit 1; }; done
pid=$(grep -m1 -o '^==[0-9]*==' "$out/log" | tr -d '=')
callgrind_control -z "$pid" >/dev/null
touch "$sync.go"
wait $job
cp "/tmp/perf-$pid.map" "$out/perf.map" 2>/dev/null || true
echo "$variant: $(node "$here/callgrind-total.mjs" "$out/cg-01" "$calls") (main thread, $calls calls; profile in $out)"
