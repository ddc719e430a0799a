#!/bin/busybox sh
# /init of the vivid-rig initramfs (run.sh copies this file in as /init).
# Runs as PID 1 under busybox sh: mounts the pseudo file systems, loads the kernel's
# vivid virtual camera (module order from /etc/rig/modules, computed on the host with
# modprobe --show-depends), runs the capture checks, prints one final line
# `RIG: PASS` or `RIG: FAIL <reasons>` on the serial console, and powers off.
# Every line meant for the host starts with "RIG:"; run.sh prints those.

/bin/busybox mkdir -p /proc /sys /dev /tmp /sbin /usr/bin /usr/sbin
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
# The kernel gives PID 1 /dev/console only if the archive had the node; make sure.
exec </dev/console >/dev/console 2>&1
echo # the firmware leaves its last line ("Booting from ROM..") unterminated

# Shared libraries of a dynamically linked hiyari live here (no ld.so.cache in the image).
export LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu
export HOME=/tmp
# See ../../shared/notes/machine.md: keep OpenBLAS on a known core type.
export OPENBLAS_CORETYPE=Haswell OPENBLAS_L2_SIZE=512

MODE=$(cat /etc/rig/mode 2>/dev/null || echo smoke)
MIN_FPS_RATIO=$(cat /etc/rig/min-fps-ratio 2>/dev/null || echo 0.7)
VIVID_OPTS=$(cat /etc/rig/vivid-options)
FAILS=""

up() { cut -d' ' -f1 /proc/uptime; }
say() { echo "RIG: $*"; }
fail() { say "check failed: $*"; FAILS="$FAILS; $*"; }
finish() {
  say "checks done at uptime $(up) s"
  if [ -z "$FAILS" ]; then say "PASS"; else say "FAIL ${FAILS#; }"; fi
  # Let the UART drain before the machine disappears.
  sleep 0.5
  poweroff -f
}

say "init started at uptime $(up) s (mode=$MODE, kernel $(uname -r))"

# --- load vivid ---------------------------------------------------------------------------
while read -r ko; do
  [ -n "$ko" ] || continue
  opts=""
  case "$ko" in */vivid.ko) opts="$VIVID_OPTS" ;; esac
  # shellcheck disable=SC2086  # options are separate words on purpose
  insmod "$ko" $opts || fail "insmod $(basename "$ko") $opts"
done </etc/rig/modules

wait_node() { # PATH present|absent TENTHS
  i=0
  while [ "$i" -lt "$3" ]; do
    if [ "$2" = present ] && [ -e "$1" ]; then return 0; fi
    if [ "$2" = absent ] && [ ! -e "$1" ]; then return 0; fi
    sleep 0.1
    i=$((i + 1))
  done
  return 1
}

if ! wait_node /dev/video0 present 50; then
  fail "/dev/video0 did not appear after insmod vivid"
  dmesg | tail -20 | sed 's/^/RIG: dmesg: /'
  finish
fi
say "vivid loaded at uptime $(up) s: /dev/video0 is '$(cat /sys/class/video4linux/video0/name)'"

# The platform device vivid binds to: vivid.0 with n_devs=1.
DRV=/sys/bus/platform/drivers/vivid
PDEV=""
for d in "$DRV"/vivid.*; do [ -e "$d" ] && PDEV=$(basename "$d") && break; done
if [ -z "$PDEV" ]; then
  fail "no vivid.* device under $DRV"
  ls /sys/bus/platform/devices/ | sed 's/^/RIG: platform device: /'
  finish
fi
say "platform device: $PDEV ($(ls /sys/bus/platform/devices | grep -c '^vivid') vivid device(s))"

# --- busybox-only smoke test: sysfs unbind/bind removes and restores /dev/video0 ------------
smoke_unplug() {
  echo "$PDEV" >"$DRV/unbind" || { fail "unbind $PDEV"; return; }
  if wait_node /dev/video0 absent 30; then say "smoke: unbind $PDEV -> /dev/video0 gone"; else fail "smoke: /dev/video0 still present after unbind"; fi
  echo "$PDEV" >"$DRV/bind" || { fail "bind $PDEV"; return; }
  if wait_node /dev/video0 present 30; then
    say "smoke: bind $PDEV -> /dev/video0 back ('$(cat /sys/class/video4linux/video0/name)')"
  else
    fail "smoke: /dev/video0 did not come back after bind"
  fi
}

# A debugging hook: run.sh copies $RIG_EXTRA here.
if [ -f /etc/rig/extra.sh ]; then
  say "sourcing /etc/rig/extra.sh"
  . /etc/rig/extra.sh
fi

if [ "$MODE" = smoke ]; then
  say "smoke: $(ls -l /dev/video0)"
  smoke_unplug
  if [ -x /bin/hiyari ]; then
    t0=$(up)
    if /bin/hiyari --help >/tmp/help.log 2>&1; then
      say "smoke: hiyari --help ran in $(echo "$(up) $t0" | awk '{printf "%.2f", $1-$2}') s"
    else
      sed 's/^/RIG: smoke: | /' /tmp/help.log | head -5
      fail "smoke: hiyari --help failed"
    fi
  fi
  finish
fi

# --- hiyari capture checks ----------------------------------------------------------------
HIYARI=/bin/hiyari

# field NAME: value of NAME=... in $SUMMARY
field() { echo "$SUMMARY" | tr ' ' '\n' | sed -n "s/^$1=//p"; }

# stderr_summary NAME FILE: distinct stderr lines with their counts
stderr_summary() {
  [ -s "$2" ] || return 0
  say "$1: stderr: $(wc -l <"$2") lines"
  sort "$2" | uniq -c | sort -rn | head -6 | sed "s/^ */RIG: $1: stderr: /"
}

# capture NAME FRAMES FORMAT WxH FPS [extra args...]: one checked capture
capture() {
  name=$1 n=$2 fmt=$3 size=$4 fps=$5
  shift 5
  log=/tmp/$name.log
  t0=$(up)
  timeout 60 "$HIYARI" capture --source /dev/video0 --frames "$n" --format "$fmt" \
    --size "$size" --fps "$fps" "$@" >"$log" 2>"$log.err"
  rc=$?
  t1=$(up)
  SUMMARY=$(grep '^summary:' "$log" | tail -1)
  lines=$(grep -c '^frame ' "$log")
  say "$name: rc=$rc wall=$(echo "$t1 $t0" | awk '{printf "%.2f", $1-$2}')s frame-lines=$lines"
  say "$name: ${SUMMARY:-<no summary line>}"
  grep -v '^frame ' "$log" | grep -v '^summary:' | head -3 | sed "s/^/RIG: $name: | /"
  grep '^frame ' "$log" | sed -n '1p;$p' | sed "s/^/RIG: $name: | /"
  stderr_summary "$name" "$log.err"
  if [ "$rc" -ne 0 ] || [ -z "$SUMMARY" ]; then
    tail -5 "$log.err" | sed "s/^/RIG: $name: | /"
    fail "$name: rc=$rc${SUMMARY:+ }${SUMMARY:-, no summary line}"
    return
  fi
  bad=""
  [ "$(field frames)" = "$n" ] || bad="$bad frames=$(field frames)!=$n"
  [ "$lines" = "$n" ] || bad="$bad frame-lines=$lines!=$n"
  [ "$(field format)" = "$fmt" ] || bad="$bad format=$(field format)!=$fmt"
  [ "$(field size)" = "$size" ] || bad="$bad size=$(field size)!=$size"
  d=$(field distinct)
  [ "${d:-0}" -gt 1 ] 2>/dev/null || bad="$bad distinct=$d"
  [ "$(field monotonic)" = yes ] || bad="$bad monotonic=$(field monotonic)"
  got=$(field fps)
  # vivid reaches all its rates under TCG on an idle host; a busy host slows the whole guest,
  # so the bar is lower than that (RIG_MIN_FPS_RATIO). Without a frame interval set, vivid
  # would run at 5 fps (640x480), which this still catches.
  echo "$got $fps $MIN_FPS_RATIO" | awk '{exit !($1 >= $3 * $2)}' || bad="$bad fps=$got<$MIN_FPS_RATIO*$fps"
  if [ -n "$bad" ]; then fail "$name:$bad"; else say "$name: ok"; fi
}

capture yuyv-640x480 60 YUYV 640x480 25
capture nv12-320x180 120 NV12 320x180 60
capture rgb3-1280x720 25 RGB3 1280x720 12.5
capture yu12-1280x720 25 YU12 1280x720 12.5

# Negative: a missing device must fail with a message naming it.
t0=$(up)
timeout 30 "$HIYARI" capture --source /dev/video9 --frames 5 >/tmp/neg.log 2>&1 </dev/null
rc=$?
say "missing-device: rc=$rc wall=$(echo "$(up) $t0" | awk '{printf "%.2f", $1-$2}')s: $(grep -v '^$' /tmp/neg.log | head -3 | tr '\n' ' ')"
if [ "$rc" -eq 0 ]; then fail "missing-device: exit status 0 for /dev/video9"
elif ! grep -q /dev/video9 /tmp/neg.log; then fail "missing-device: error does not name /dev/video9"
else say "missing-device: ok"; fi

# A format the camera does not offer: a clear error naming it, no crash.
"$HIYARI" capture --source /dev/video0 --frames 5 --format H264 >/tmp/fmt.log 2>&1
rc=$?
say "unsupported-format: rc=$rc: $(grep -v '^$' /tmp/fmt.log | head -2 | tr '\n' ' ')"
if [ "$rc" -eq 0 ]; then fail "unsupported-format: exit status 0 for --format H264"
elif ! grep -q 'H264 is not offered' /tmp/fmt.log; then fail "unsupported-format: error does not name H264"
else say "unsupported-format: ok"; fi

# vivid's video output node: a V4L2 device that cannot capture.
if [ -e /dev/video1 ]; then
  "$HIYARI" capture --source /dev/video1 --frames 5 >/tmp/out.log 2>&1
  rc=$?
  say "not-capture: rc=$rc: $(grep -v '^$' /tmp/out.log | head -2 | tr '\n' ' ')"
  if [ "$rc" -eq 0 ]; then fail "not-capture: exit status 0 for the output node /dev/video1"
  elif ! grep -q 'is not a video capture device' /tmp/out.log; then fail "not-capture: error does not say the node cannot capture"
  else say "not-capture: ok"; fi
else
  fail "not-capture: vivid made no output node /dev/video1"
fi

# Unplug: unbind the platform device mid-capture, bind it again, the capture must carry on.
N=150
log=/tmp/unplug.log
t0=$(up)
# 640x480 YUYV: hiyari's default size is 1280x720, where vivid runs at most 12.5 fps.
timeout 90 "$HIYARI" capture --source /dev/video0 --frames $N --format YUYV --size 640x480 --fps 25 \
  --reconnect-timeout 20 >"$log" 2>"$log.err" &
pid=$!
# hiyari needs ~2 s under TCG just to load its ~140 shared libraries: unplug only once frames
# flow (the first open is not retried; a device missing at start is an error). Its stdout is
# a file, so block-buffered: the first lines show up ~40 frames (a 4 KiB buffer) in. Unbind
# one second after that: ~2.5-3 s into the capture, with about half the frames still to come.
i=0
while [ "$i" -lt 200 ] && [ "$(grep -c '^frame ' "$log")" -lt 1 ] && kill -0 "$pid" 2>/dev/null; do
  sleep 0.1
  i=$((i + 1))
done
say "unplug: first frame lines at uptime $(up) s"
sleep 1
before=$(grep -c '^frame ' "$log")
echo "$PDEV" >"$DRV/unbind" || fail "unplug: unbind $PDEV"
wait_node /dev/video0 absent 30 || fail "unplug: /dev/video0 still present after unbind"
say "unplug: unbound $PDEV at uptime $(up) s after $before frames"
sleep 2
echo "$PDEV" >"$DRV/bind" || fail "unplug: bind $PDEV"
wait_node /dev/video0 present 30 || fail "unplug: /dev/video0 did not come back after bind"
say "unplug: bound $PDEV again at uptime $(up) s"
wait "$pid"
rc=$?
t1=$(up)
SUMMARY=$(grep '^summary:' "$log" | tail -1)
say "unplug: rc=$rc wall=$(echo "$t1 $t0" | awk '{printf "%.2f", $1-$2}')s frame-lines=$(grep -c '^frame ' "$log")"
say "unplug: ${SUMMARY:-<no summary line>}"
grep -v '^frame ' "$log" | grep -v '^summary:' | head -3 | sed 's/^/RIG: unplug: | /'
stderr_summary unplug "$log.err"
# The frames either side of the outage: the largest gap between driver timestamps.
grep '^frame ' "$log" | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^dt=/) { v = substr($i, 4) + 0; if (v > max) { max = v; line = $0; prev = last } } last = $0 }
  END { if (line != "") { print "largest gap, before: " prev; print "largest gap, after:  " line } }' | sed 's/^/RIG: unplug: | /'
if [ "$rc" -ne 0 ] || [ -z "$SUMMARY" ]; then
  tail -5 "$log.err" | sed 's/^/RIG: unplug: | /'
  fail "unplug: rc=$rc${SUMMARY:+ }${SUMMARY:-, no summary line}"
else
  bad=""
  [ "$(field frames)" = "$N" ] || bad="$bad frames=$(field frames)!=$N"
  lines=$(grep -c '^frame ' "$log")
  [ "$lines" = "$N" ] || bad="$bad frame-lines=$lines!=$N"
  r=$(field reconnects)
  [ "${r:-0}" -ge 1 ] 2>/dev/null || bad="$bad reconnects=$r"
  d=$(field distinct)
  [ "${d:-0}" -gt 1 ] 2>/dev/null || bad="$bad distinct=$d"
  [ "$(field monotonic)" = yes ] || bad="$bad monotonic=$(field monotonic)"
  if [ -n "$bad" ]; then fail "unplug:$bad"; else say "unplug: ok"; fi
fi

finish
