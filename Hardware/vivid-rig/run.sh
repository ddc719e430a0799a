#!/usr/bin/env bash
# The real-camera rig: boots Debian's stock kernel in qemu with the kernel's `vivid` virtual
# camera and runs `hiyari capture` against it. See README.md next to this file.
#
#   Hardware/vivid-rig/run.sh [HIYARI_BIN]
#
# Exits 0 only if the guest printed `RIG: PASS` on its serial console.
# Environment (all optional):
#   HIYARI_BIN       the hiyari binary to test (the first argument wins); default: build it with
#                    swift build -c release --static-swift-stdlib --product hiyari
#   RIG_SCRATCH_PATH --scratch-path for that default build (default: SwiftPM's .build)
#   RIG_SMOKE=1      smoke test: vivid + sysfs unbind/bind with busybox only; a hiyari binary
#                    is not built, but if one is given it goes in and must run `--help`
#   RIG_COMPRESS     initramfs compression: none (default), lz4, zstd or gzip
#   RIG_STRIP=1      put strip --strip-unneeded copies of the shared libraries in (default 0)
#   RIG_TIMEOUT      seconds before qemu is killed (default 110)
#   RIG_MEM, RIG_SMP guest memory in MiB (default 1536) and vCPUs (default 2)
#   RIG_ACCEL        tcg or kvm (default: tcg when /sys/module/kvm_pvm exists, else kvm if usable)
#   RIG_KERNEL       pvh (default: boot the extracted ELF vmlinux) or bzimage (the .deb's vmlinuz)
#   RIG_MIN_FPS_RATIO  a capture fails below this fraction of the requested rate (default 0.7)
#   RIG_EXTRA        a busybox sh file the guest sources after loading vivid (for debugging)
#   RIG_VERBOSE=1    print the whole serial console log, not just the RIG: lines
set -euo pipefail

RIG_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$RIG_DIR/../.." && pwd)
CACHE="$RIG_DIR/cache"
WORK="$CACHE/work"
LOG="$CACHE/console.log"
COMPRESS=${RIG_COMPRESS:-none}
STRIP=${RIG_STRIP:-0}
TIMEOUT=${RIG_TIMEOUT:-110}
MEM=${RIG_MEM:-1536}
SMP=${RIG_SMP:-2}
SMOKE=${RIG_SMOKE:-0}
VIVID_OPTIONS="n_devs=1 node_types=0x101 num_inputs=1 input_types=0x0 num_outputs=1 output_types=0x0"

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
log() { echo "rig: $*" >&2; }
die() { echo "rig: error: $*" >&2; exit 2; }
T_START=$(now)

# --- host packages ----------------------------------------------------------------------
need=(qemu-system-x86 busybox-static cpio kmod binutils xz-utils coreutils libc-bin)
case "$COMPRESS" in
  none) ;;
  lz4) need+=(lz4) ;;
  zstd) need+=(zstd) ;;
  gzip) need+=(gzip) ;;
  *) die "RIG_COMPRESS must be none, lz4, zstd or gzip (got '$COMPRESS')" ;;
esac
missing=()
for p in "${need[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  log "installing ${missing[*]}"
  [ "$(id -u)" = 0 ] || die "need root to apt-get install ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
BUSYBOX=/bin/busybox
[ -x "$BUSYBOX" ] || die "$BUSYBOX missing after installing busybox-static"

mkdir -p "$CACHE"

# --- Debian's stock kernel -------------------------------------------------------------
# linux-image-amd64 is the meta package; its dependency names the versioned package
# (linux-image-6.1.0-NN-amd64), whose ABI number changes over time.
resolve_kernel_pkg() {
  apt-cache depends linux-image-amd64 2>/dev/null |
    awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }'
}
KPKG=$(resolve_kernel_pkg || true)
if [ -z "$KPKG" ]; then
  log "apt lists do not know linux-image-amd64; running apt-get update"
  apt-get update -qq
  KPKG=$(resolve_kernel_pkg || true)
fi
[ -n "$KPKG" ] || die "cannot resolve the versioned kernel package behind linux-image-amd64"
KDEBVER=$(apt-cache policy "$KPKG" | awk '$1 == "Candidate:" { print $2; exit }')
KCACHE="$CACHE/kernel/${KPKG}_${KDEBVER}"
if [ ! -f "$KCACHE/.complete" ]; then
  T=$(now)
  log "fetching $KPKG $KDEBVER (cached under ${KCACHE#"$REPO"/})"
  rm -rf "$KCACHE.tmp" "$KCACHE"
  mkdir -p "$KCACHE.tmp/deb"
  chown _apt: "$KCACHE.tmp/deb" 2>/dev/null || true # lets apt fetch without its sandbox warning
  (cd "$KCACHE.tmp/deb" && apt-get download -qq "$KPKG=$KDEBVER")
  dpkg -x "$KCACHE.tmp"/deb/*.deb "$KCACHE.tmp/root"
  rm -rf "$KCACHE.tmp/deb" "$KCACHE.tmp/root/usr" # the .deb and the docs are not needed again
  kver=$(ls "$KCACHE.tmp/root/lib/modules")
  # The .deb ships no modules.dep; generate it once.
  depmod -b "$KCACHE.tmp/root" "$kver"
  echo "$kver" >"$KCACHE.tmp/kver"
  mv "$KCACHE.tmp" "$KCACHE"
  touch "$KCACHE/.complete"
  log "kernel ready in $(since "$T") s"
fi
KROOT="$KCACHE/root"
KVER=$(cat "$KCACHE/kver")
VMLINUZ="$KROOT/boot/vmlinuz-$KVER"
[ -f "$VMLINUZ" ] || die "no $VMLINUZ in the cache; delete $KCACHE and rerun"
# Older kernel versions in the cache are dead weight (the kernel tree is ~400 MB).
for old in "$CACHE"/kernel/*; do [ "$old" = "$KCACHE" ] || rm -rf "$old"; done

# Boot the uncompressed ELF vmlinux through its PVH entry point when we can: the bzImage's
# XZ decompressor runs under TCG and costs seconds on every boot. Extracted once, cached.
KERNEL=$VMLINUZ
if [ "${RIG_KERNEL:-pvh}" = pvh ]; then
  VMLINUX="$KCACHE/vmlinux"
  if [ ! -f "$VMLINUX" ] && [ ! -f "$VMLINUX.none" ]; then
    off=$(LC_ALL=C grep -aboP '\xfd7zXZ\x00' "$VMLINUZ" | head -1 | cut -d: -f1 || true)
    # (xz stops at the end of its stream; fed by a pipe, tail would die of SIGPIPE under pipefail)
    if [ -n "$off" ] && xz -dc --single-stream < <(tail -c +$((off + 1)) "$VMLINUZ") >"$VMLINUX.tmp" 2>/dev/null &&
      [[ "$(readelf -n "$VMLINUX.tmp" 2>/dev/null)" =~ Xen[[:space:]]+0x[0-9a-f]+[[:space:]]+Unknown\ note\ type:\ \(0x00000012\) ]]; then
      mv "$VMLINUX.tmp" "$VMLINUX" # 0x12 = XEN_ELFNOTE_PHYS32_ENTRY: qemu can boot it directly
    else
      rm -f "$VMLINUX.tmp"
      touch "$VMLINUX.none"
      log "no XZ-compressed PVH vmlinux inside $VMLINUZ; booting the bzImage"
    fi
  fi
  [ -f "$VMLINUX" ] && KERNEL=$VMLINUX
fi

# Load order of vivid and its dependencies, from the kernel's own module metadata.
mapfile -t MODULES < <(modprobe -d "$KROOT" -S "$KVER" --show-depends vivid |
  awk '$1 == "insmod" { print $2 }')
((${#MODULES[@]})) || die "modprobe --show-depends vivid printed no insmod lines"
[[ "${MODULES[-1]}" == */vivid.ko* ]] || die "vivid is not last in the load order: ${MODULES[*]}"

# --- the hiyari binary ------------------------------------------------------------------
BIN=${1:-${HIYARI_BIN:-}}
if [ "$SMOKE" != 1 ] || [ -n "$BIN" ]; then
  if [ -z "$BIN" ]; then
    T=$(now)
    args=(-c release --static-swift-stdlib --product hiyari)
    [ -n "${RIG_SCRATCH_PATH:-}" ] && args+=(--scratch-path "$RIG_SCRATCH_PATH")
    log "building hiyari: swift build ${args[*]}"
    (cd "$REPO" && swift build "${args[@]}" >&2)
    BIN="$(cd "$REPO" && swift build "${args[@]}" --show-bin-path)/hiyari"
    log "build took $(since "$T") s"
  fi
  [ -x "$BIN" ] || die "hiyari binary '$BIN' is not an executable file"
  BIN=$(readlink -f "$BIN")
fi

# --- initramfs --------------------------------------------------------------------------
# Two archives, concatenated (the kernel unpacks one after the other):
#  1. base: busybox, /init, the modules, hiyari. Rebuilt every run (it is small to make).
#  2. libs: hiyari's ldd closure + the dynamic loader. Cached, keyed by the closure's files.
compress() { # stdin -> stdout
  case "$COMPRESS" in
    none) cat ;;
    lz4) lz4 -l -q -c ;; # -l: the legacy frame format the kernel's unlz4 reads
    zstd) zstd -q -T0 -3 -c ;;
    gzip) gzip -n -6 -c ;;
  esac
}
mkcpio() { # DIR OUT: newc archive of DIR, owned by root, compressed, padded to 512 bytes
  (cd "$1" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | compress >"$2"
  local size pad
  size=$(stat -c %s "$2")
  pad=$(((512 - size % 512) % 512))
  ((pad)) && head -c "$pad" /dev/zero >>"$2"
  return 0
}

T_INITRD=$(now)
rm -rf "$WORK"
mkdir -p "$WORK/base"/{bin,dev,etc/rig,proc,sys,tmp,usr/lib,usr/lib64}
ln -s usr/lib "$WORK/base/lib"
ln -s usr/lib64 "$WORK/base/lib64"
cp "$BUSYBOX" "$WORK/base/bin/busybox"
ln -s busybox "$WORK/base/bin/sh"
install -m 0755 "$RIG_DIR/init.sh" "$WORK/base/init"
mknod -m 600 "$WORK/base/dev/console" c 5 1 2>/dev/null || true
echo "$VIVID_OPTIONS" >"$WORK/base/etc/rig/vivid-options"
echo "${RIG_MIN_FPS_RATIO:-0.7}" >"$WORK/base/etc/rig/min-fps-ratio"
if [ -n "${RIG_EXTRA:-}" ]; then cp "$RIG_EXTRA" "$WORK/base/etc/rig/extra.sh"; fi
if [ "$SMOKE" = 1 ]; then echo smoke >"$WORK/base/etc/rig/mode"; else echo full >"$WORK/base/etc/rig/mode"; fi
: >"$WORK/base/etc/rig/modules"
for m in "${MODULES[@]}"; do
  rel=${m#"$KROOT"/}
  mkdir -p "$WORK/base/$(dirname "$rel")"
  cp "$m" "$WORK/base/$rel"
  echo "/$rel" >>"$WORK/base/etc/rig/modules"
done
LIBS_ARCHIVE=""
if [ -n "$BIN" ]; then
  cp "$BIN" "$WORK/base/bin/hiyari"
  # The closure: "soname => /path (addr)" lines, and the loader's "/path (addr)" line.
  closure=$(ldd "$BIN" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $1, $3 } $1 ~ /^\// { print "LOADER", $1 }') || true
  if [ -n "$closure" ]; then
    key=$( (
      echo "strip=$STRIP compress=$COMPRESS"
      while read -r name path; do echo "$name $(stat -L -c '%n %s %Y' "$path")"; done <<<"$closure"
    ) | sha256sum | cut -c1-16)
    LIBS_ARCHIVE="$CACHE/libs/libs-$key.cpio"
    if [ ! -f "$LIBS_ARCHIVE" ]; then
      T=$(now)
      stage="$WORK/libs"
      mkdir -p "$stage/usr/lib/x86_64-linux-gnu" "$stage/usr/lib64" "$CACHE/libs"
      while read -r name path; do
        if [ "$name" = LOADER ]; then dest="$stage/usr/lib64/$(basename "$path")"; else dest="$stage/usr/lib/x86_64-linux-gnu/$name"; fi
        cp -L "$path" "$dest"
        if [ "$STRIP" = 1 ] && [ "$name" != LOADER ]; then strip --strip-unneeded "$dest"; fi
      done <<<"$closure"
      mkcpio "$stage" "$LIBS_ARCHIVE.tmp"
      rm -f "$CACHE"/libs/libs-*.cpio # one closure at a time: each is ~200 MB
      mv "$LIBS_ARCHIVE.tmp" "$LIBS_ARCHIVE"
      rm -rf "$stage"
      log "library archive: $(wc -l <<<"$closure") files, $(du -sm "$LIBS_ARCHIVE" | cut -f1) MiB on disk, built in $(since "$T") s"
    fi
  fi
fi
mkcpio "$WORK/base" "$WORK/base.cpio"
INITRD="$WORK/initrd.img"
cat "$WORK/base.cpio" ${LIBS_ARCHIVE:+"$LIBS_ARCHIVE"} >"$INITRD"
INITRD_MB=$(awk -v s="$(stat -c %s "$INITRD")" 'BEGIN { printf "%.1f", s / 1048576 }')
log "initramfs: $INITRD_MB MiB (compress=$COMPRESS strip=$STRIP, ${#MODULES[@]} modules${BIN:+, hiyari $(du -m "$BIN" | cut -f1) MiB}) in $(since "$T_INITRD") s"

# --- boot -------------------------------------------------------------------------------
ACCEL=${RIG_ACCEL:-}
if [ -z "$ACCEL" ]; then
  if [ -e /sys/module/kvm_pvm ]; then
    ACCEL=tcg # KVM-PVM runs only PVM-aware guests: a stock kernel hangs after "Probing EDD"
  elif [ -w /dev/kvm ]; then
    ACCEL=kvm
  else
    ACCEL=tcg
  fi
fi
rm -f "$LOG"
log "booting $KVER ($(basename "$KERNEL")) under qemu ($ACCEL, ${SMP} vCPU, ${MEM} MiB, timeout ${TIMEOUT} s)"
T_VM=$(now)
set +e
timeout -k 5 "$TIMEOUT" qemu-system-x86_64 \
  -accel "$ACCEL" -m "$MEM" -smp "$SMP" \
  -nodefaults -nographic -no-reboot -monitor none \
  -serial "file:$LOG" \
  -kernel "$KERNEL" -initrd "$INITRD" \
  -append "console=ttyS0 quiet loglevel=3 panic=-1 rdinit=/init" </dev/null
QEMU_RC=$?
set -e
VM_S=$(since "$T_VM")
[ "$QEMU_RC" = 124 ] && log "qemu killed after ${TIMEOUT} s"

# The console as plain lines: no CRs, no terminal escapes from SeaBIOS.
console() { sed -e 's/\r$//' -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\x1bc//g' "$LOG"; }
# The guest's report goes to stdout; the rig's own progress lines go to stderr.
if [ "${RIG_VERBOSE:-0}" = 1 ]; then
  console
else
  console | grep -E '^RIG:|Kernel panic|BUG:|Oops|Call Trace|segfault' || true
fi
echo "rig: wall time: total $(since "$T_START") s, of which VM $VM_S s (console log: ${LOG#"$REPO"/})"
if console | grep -qx 'RIG: PASS'; then
  echo "rig: PASS"
  exit 0
fi
reason=$(console | sed -n 's/^RIG: FAIL //p' | tail -1)
echo "rig: FAIL: ${reason:-no RIG: PASS line on the console (qemu exit status $QEMU_RC)}"
exit 1
