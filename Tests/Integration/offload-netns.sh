#!/usr/bin/env bash
# Issue 5's integration test (as root, about a minute after the release builds): split execution
# across a real network path with an emulated LTE link that is cut and restored mid-run.
#
# hiyari-fleet serve runs in the cloud namespace (10.77.0.2, scripts/netns-rig); hiyari-netem runs
# in the dev namespace (127.0.0.1 -> 10.77.0.2, wpt-lte: 12 Mbit/s each way, 70 ms RTT); the
# device runs `hiyari offload --verify --cut add_99_QuantizeLinear_Output` (mid-network: the
# backbone's stride-8 feature map, 123 kB of uint8 codes a frame) on the int8 QDQ detector of
# scripts/make-detector-model.py over a 12 s, 5 fps clip ffmpeg encodes, paced at the clip's
# rate. About 3 s in, SIGUSR1 cuts the link; 2 s later a second SIGUSR1 restores it. From the
# --json summary it asserts: every frame has a result (lost 0), every frame equals the
# device-only outputs bit for bit (int8, --verify), frames were offloaded before the cut, some
# fell back during it, and offloading resumed after the restore.
#
#   Tests/Integration/offload-netns.sh [bin-dir]   (debug or release; default: builds the three in release)
#
# scripts/netns-rig-selftest uses the same fixed namespace names: run the two one after the
# other, never in parallel. Teardown (namespaces and processes) always runs.
set -euo pipefail
cd "$(dirname "$0")/../.."
rig=scripts/netns-rig
cut=add_99_QuantizeLinear_Output

fail() {
  echo "offload-netns: FAIL: $*" >&2
  exit 1
}

[[ $(id -u) -eq 0 ]] || fail "needs root (network namespaces)"
command -v ffmpeg >/dev/null || fail "no ffmpeg (scripts/install-deps test)"
python=/opt/hiyari-venv/bin/python
[[ -x $python ]] || fail "no $python with onnx and onnxruntime (scripts/python-env)"

bin=${1:-}
if [[ -z $bin ]]; then
  echo "== building release hiyari, hiyari-fleet, hiyari-netem"
  for product in hiyari hiyari-fleet hiyari-netem; do
    swift build -c release --product "$product" >/dev/null || fail "swift build -c release --product $product"
  done
  bin=$(swift build -c release --show-bin-path)
fi
for tool in hiyari hiyari-fleet hiyari-netem; do
  [[ -x $bin/$tool ]] || fail "no $tool in $bin"
done

work=$(mktemp -d /tmp/hiyari-offload-netns.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  $rig down >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "== fixtures in $work"
$python scripts/make-detector-model.py "$work/detector" >"$work/make-model.log" 2>&1 ||
  fail "scripts/make-detector-model.py: $(tail -5 "$work/make-model.log")"
model=$work/detector/detector-u8s8.onnx
ffmpeg -hide_banner -loglevel error -f lavfi -i testsrc2=size=640x360:rate=5 -t 12 -c:v libx264 \
  -pix_fmt yuv420p "$work/clip.mp4" || fail "ffmpeg could not encode the clip"

# Waits until FILE has a line matching PATTERN (at most 60 s), or fails naming WHAT.
wait_for() { # file pattern what
  for _ in $(seq 600); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  fail "$3 did not start: $(tail -5 "$1")"
}

$rig down >/dev/null 2>&1 || true
$rig up >/dev/null || fail "scripts/netns-rig up"

$rig exec cloud "$bin/hiyari-fleet" serve --listen 10.77.0.2:7070 --model "$model" --threads 2 \
  >"$work/fleet.log" 2>&1 &
pids+=($!)
wait_for "$work/fleet.log" "listening on" "hiyari-fleet serve"
$rig exec dev "$bin/hiyari-netem" --listen 127.0.0.1:7071 --target 10.77.0.2:7070 --profile wpt-lte \
  >"$work/netem.log" 2>&1 &
netem=$!
pids+=($netem)
sleep 0.5
kill -0 "$netem" 2>/dev/null || fail "hiyari-netem exited: $(tail -5 "$work/netem.log")"
# `ip netns exec` execs the command, so $netem is hiyari-netem itself (the signals' target).

echo "== hiyari offload --verify --cut $cut (link cut at ~3 s, restored at ~5 s)"
$rig exec dev "$bin/hiyari" offload --model "$model" --server 127.0.0.1:7071 --source "$work/clip.mp4" \
  --cut "$cut" --verify --realtime --window 4 --budget-ms 1000 --json \
  >"$work/offload.json" 2>"$work/offload.err" &
device=$!
pids+=($device)
sleep 3
kill -USR1 "$netem" || fail "could not signal hiyari-netem"
sleep 2
kill -USR1 "$netem" || fail "could not signal hiyari-netem"
status=0
wait "$device" || status=$?
grep -q "link cut" "$work/netem.log" || fail "hiyari-netem did not report the cut: $(tail -5 "$work/netem.log")"
grep -q "link restored" "$work/netem.log" || fail "hiyari-netem did not report the restore"

python3 - "$work/offload.json" "$status" <<'PY' || fail "see above; hiyari offload stderr: $(tail -5 "$work/offload.err")"
import json, sys
path, status = sys.argv[1], int(sys.argv[2])
try:
    s = json.load(open(path))
except Exception as error:
    print(f"no JSON summary from hiyari offload (exit {status}): {error}", file=sys.stderr)
    sys.exit(1)
frames = s["per_frame"]
tails = "".join({"cloud": "C", "device": "D", "fallback": "F"}[f["tail"]] for f in frames)
print(f"frames={s['frames']} offloaded={s['offloaded']} fell_back={s['fell_back']} held={s['held']} "
      f"lost={s['lost']} verified={s['verified']} mismatches={s['mismatches']} cuts={s['cuts']} "
      f"p50_ms={s['latency_p50_ms']:.1f} p90_ms={s['latency_p90_ms']:.1f} bytes_up={s['bytes_up']} "
      f"bytes_down={s['bytes_down']} link={s['link']}")
print(f"per frame (C cloud, F fell back, D device): {tails}")
problems = []
if status != 0: problems.append(f"hiyari offload exited {status}")
if s["frames"] < 50: problems.append(f"only {s['frames']} frames of 60")
if s["lost"] != 0: problems.append(f"{s['lost']} frames lost their outputs")
if s["verified"] != s["frames"]: problems.append(f"{s['verified']} of {s['frames']} frames verified")
if s["mismatches"] != 0: problems.append(f"{s['mismatches']} frames differ from device-only")
first_fallback = tails.find("F")
if "C" not in tails[: max(first_fallback, 0)]: problems.append("no frame offloaded before the cut")
if first_fallback < 0: problems.append("no frame fell back during the cut")
elif "C" not in tails[tails.rfind("F") :]: problems.append("offloading did not resume after the restore")
for p in problems: print("offload-netns: FAIL:", p, file=sys.stderr)
sys.exit(1 if problems else 0)
PY
echo "offload-netns: ok"
