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

# Shared libraries of a dynamically linked hiyari live here (no ld.so.cache in the image).
export LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu
export HOME=/tmp
# See ../../shared/notes/machine.md: keep OpenBLAS on a known core type.
export OPENBLAS_CORETYPE=Haswell OPENBLAS_L2_SIZE=512

MODE=$(cat /etc/rig/mode 2>/dev/null || echo smoke)
VIVID_OPTS=$(cat /etc/rig/vivid-options)
FAILS=""

up() { cut -d' ' -f1 /proc/uptime; }
say() { echo "RIG: $*"; }
fail() { say "check failed: $*"; FAILS="$FAILS; $*"; }
finish() {
  say "checks done at uptime $(up) s"
  if [ -z "$FAILS" ]; then say "PASS"; else say "FAIL ${FAILS#; }"; fi
  # Let the UART drain before the machine disappears.
  sleep 1
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

# capture NAME FRAMES FORMAT WxH FPS [extra args...]: one checked capture
capture() {
  name=$1 n=$2 fmt=$3 size=$4 fps=$5
  shift 5
  log=/tmp/$name.log
  t0=$(up)
  timeout 60 "$HIYARI" capture --source /dev/video0 --frames "$n" --format "$fmt" \
    --size "$size" --fps "$fps" "$@" >"$log" 2>&1
  rc=$?
  t1=$(up)
  SUMMARY=$(grep '^summary:' "$log" | tail -1)
  lines=$(grep -vc '^summary:' "$log")
  say "$name: rc=$rc wall=$(echo "$t1 $t0" | awk '{printf "%.2f", $1-$2}')s lines=$lines"
  say "$name: ${SUMMARY:-<no summary line>}"
  if [ "$rc" -ne 0 ] || [ -z "$SUMMARY" ]; then
    tail -5 "$log" | sed "s/^/RIG: $name: | /"
    fail "$name: rc=$rc${SUMMARY:+ }${SUMMARY:-, no summary line}"
    return
  fi
  bad=""
  [ "$(field frames)" = "$n" ] || bad="$bad frames=$(field frames)!=$n"
  [ "$(field format)" = "$fmt" ] || bad="$bad format=$(field format)!=$fmt"
  [ "$(field size)" = "$size" ] || bad="$bad size=$(field size)!=$size"
  d=$(field distinct)
  [ "${d:-0}" -gt 1 ] 2>/dev/null || bad="$bad distinct=$d"
  [ "$(field monotonic)" = yes ] || bad="$bad monotonic=$(field monotonic)"
  got=$(field fps)
  # The measured rate must reach 80% of the requested one (vivid reaches all its rates under TCG).
  echo "$got $fps" | awk '{exit !($1 >= 0.8 * $2)}' || bad="$bad fps=$got<0.8*$fps"
  if [ -n "$bad" ]; then fail "$name:$bad"; else say "$name: ok"; fi
}

capture yuyv-640x480 60 YUYV 640x480 25
capture nv12-320x180 120 NV12 320x180 60
capture rgb3-1280x720 25 RGB3 1280x720 12.5
capture yu12-1280x720 25 YU12 1280x720 12.5

# Negative: a missing device must fail with a message naming it.
timeout 30 "$HIYARI" capture --source /dev/video9 --frames 5 >/tmp/neg.log 2>&1
rc=$?
say "missing-device: rc=$rc: $(grep -v '^$' /tmp/neg.log | head -3 | tr '\n' ' ')"
if [ "$rc" -eq 0 ]; then fail "missing-device: exit status 0 for /dev/video9"
elif ! grep -q /dev/video9 /tmp/neg.log; then fail "missing-device: error does not name /dev/video9"
else say "missing-device: ok"; fi

# Unplug: unbind the platform device mid-capture, bind it again, the capture must carry on.
N=150
log=/tmp/unplug.log
t0=$(up)
timeout 90 "$HIYARI" capture --source /dev/video0 --frames $N --fps 25 --reconnect-timeout 20 >"$log" 2>&1 &
pid=$!
sleep 2
before=$(grep -vc '^summary:' "$log")
echo "$PDEV" >"$DRV/unbind" || fail "unplug: unbind $PDEV"
wait_node /dev/video0 absent 30 || fail "unplug: /dev/video0 still present after unbind"
say "unplug: unbound $PDEV at uptime $(up) s after $before frame lines"
sleep 2
echo "$PDEV" >"$DRV/bind" || fail "unplug: bind $PDEV"
wait_node /dev/video0 present 30 || fail "unplug: /dev/video0 did not come back after bind"
say "unplug: bound $PDEV again at uptime $(up) s"
wait "$pid"
rc=$?
t1=$(up)
SUMMARY=$(grep '^summary:' "$log" | tail -1)
say "unplug: rc=$rc wall=$(echo "$t1 $t0" | awk '{printf "%.2f", $1-$2}')s lines=$(grep -vc '^summary:' "$log")"
say "unplug: ${SUMMARY:-<no summary line>}"
grep -iE 'reconnect|unplug|lost|error|warn' "$log" | grep -v '^summary:' | head -6 | sed 's/^/RIG: unplug: | /'
if [ "$rc" -ne 0 ] || [ -z "$SUMMARY" ]; then
  tail -5 "$log" | sed 's/^/RIG: unplug: | /'
  fail "unplug: rc=$rc${SUMMARY:+ }${SUMMARY:-, no summary line}"
else
  bad=""
  [ "$(field frames)" = "$N" ] || bad="$bad frames=$(field frames)!=$N"
  r=$(field reconnects)
  [ "${r:-0}" -ge 1 ] 2>/dev/null || bad="$bad reconnects=$r"
  d=$(field distinct)
  [ "${d:-0}" -gt 1 ] 2>/dev/null || bad="$bad distinct=$d"
  [ "$(field monotonic)" = yes ] || bad="$bad monotonic=$(field monotonic)"
  if [ -n "$bad" ]; then fail "unplug:$bad"; else say "unplug: ok"; fi
fi

finish
