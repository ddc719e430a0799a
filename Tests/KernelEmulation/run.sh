#!/usr/bin/env bash
# Runs the int8 convolution kernels of every path against the naive reference: natively (scalar,
# AVX2 and whatever this CPU has), emulated (AVX-512 VNNI, AVX-VNNI via SIMDe), and on aarch64
# under qemu-user twice: -cpu max (NEON dot-product) and -cpu cortex-a72 (the Raspberry Pi 4's core,
# ARMv8.0 without the dot product: the plain NEON path must be the one chosen). Exits non-zero on
# any mismatch or when the aarch64 runs did not take the expected paths.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
kernels=$(cd "$here/../../Sources/CKernels" && pwd)
cases=${1:-300}
need=(libsimde-dev qemu-user gcc-aarch64-linux-gnu libc6-dev-arm64-cross gcc)
missing=()
for p in "${need[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
if ((${#missing[@]})); then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
flags=(-Wno-psabi -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -I"$kernels/include")
gcc "${flags[@]}" "$here/qconv_check.c" "$kernels/qconv.c" "$kernels/qconv_avx512.c" "$kernels/qconv_avx2.c" "$kernels/cpu_features.c" -lm -o "$work/native"
check() {  # label, command...: prints the summary line, fails on a mismatch
  local label=$1
  shift
  if ! "$@" >"$work/$label.log" 2>&1; then
    echo "$label: FAILED"
    tail -20 "$work/$label.log"
    exit 1
  fi
  echo "$label: $(tail -1 "$work/$label.log")"
}
expect_runs() {  # label, path id (HIYARI_QCONV_*), runs: checks the summary line's path histogram
  local got
  got=$(tail -1 "$work/$1.log" | awk -v id="$2" '{for (i = 1; i <= NF; i++) if ($i == "paths") print $(i + 1 + id)}')
  if [[ "$got" != "$3" ]]; then
    echo "$1: path $2 ran $got times, expected $3"
    exit 1
  fi
}
check native "$work/native" "$cases"
for kernel in qconv_avx512 qconv_avx2; do
  gcc "${flags[@]}" -c "$kernels/$kernel.c" -o "$work/$kernel.o" -DHIYARI_QCONV_EMULATE_HEADER="\"$here/simde_avx512.h\""
done
gcc "${flags[@]}" -DEMU "$here/qconv_check.c" "$kernels/qconv.c" "$work/qconv_avx512.o" "$work/qconv_avx2.o" "$kernels/cpu_features.c" -lm -o "$work/emulated"
check emulated "$work/emulated" "$cases"
aarch64-linux-gnu-gcc -O2 -static -I"$kernels/include" "$here/qconv_check.c" "$kernels/qconv.c" "$kernels/qconv_neon.c" "$kernels/cpu_features.c" -lm -o "$work/aarch64"
# qconv_check runs each case with six feature masks, two of them ARM: NEON + dot product, NEON.
check aarch64-max qemu-aarch64 -cpu max "$work/aarch64" "$cases"
expect_runs aarch64-max 4 "$cases"  # HIYARI_QCONV_NEONDOT
expect_runs aarch64-max 6 "$cases"  # HIYARI_QCONV_NEON
# Detection: hwcaps without asimddp, so the dot-product mask also lands on plain NEON.
check aarch64-cortex-a72 qemu-aarch64 -cpu cortex-a72 "$work/aarch64" "$cases"
expect_runs aarch64-cortex-a72 4 0
expect_runs aarch64-cortex-a72 6 $((2 * cases))
