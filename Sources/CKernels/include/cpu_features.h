#ifndef HIYARI_CPU_FEATURES_H
#define HIYARI_CPU_FEATURES_H

#include <stdint.h>

/// CPU features the kernels dispatch on (bit flags).
enum {
  HIYARI_CPU_SSE41 = 1u << 0,
  HIYARI_CPU_AVX2 = 1u << 1,
  HIYARI_CPU_FMA = 1u << 2,
  HIYARI_CPU_AVX512F = 1u << 3,
  HIYARI_CPU_AVX512BW = 1u << 4,
  HIYARI_CPU_AVX512VNNI = 1u << 5,
  HIYARI_CPU_AVXVNNI = 1u << 6,
  HIYARI_CPU_NEON = 1u << 16,
  HIYARI_CPU_NEON_DOTPROD = 1u << 17,
};

/// The features of the CPU this process runs on, detected once (cpuid with OS support checked
/// through xgetbv on x86; hwcaps on aarch64).
uint32_t hiyari_cpu_features(void);

/// The detected features whatever the mask: for tests, which run in parallel with one that
/// changes the process-wide mask.
uint32_t hiyari_cpu_features_detected(void);

/// Restricts dispatch to a subset of the detected features (for tests and benchmarks that compare
/// kernel paths). Pass UINT32_MAX to restore the detected set.
void hiyari_cpu_features_mask(uint32_t mask);

/// A spin-wait hint (pause on x86, yield on ARM): lets the sibling hardware thread run and saves
/// power while a thread polls a flag another core is about to set.
static inline void hiyari_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

#endif
