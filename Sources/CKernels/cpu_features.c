#include "cpu_features.h"

#include <stdatomic.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

static uint64_t read_xcr0(void) {
  uint32_t eax, edx;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return ((uint64_t)edx << 32) | eax;
}

static uint32_t detect(void) {
  uint32_t eax, ebx, ecx, edx, features = 0;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
  if (ecx & bit_SSE4_1) features |= HIYARI_CPU_SSE41;
  int osxsave = (ecx & bit_OSXSAVE) != 0;
  int fma = (ecx & bit_FMA) != 0;
  if (!osxsave) return features;
  uint64_t xcr0 = read_xcr0();
  int ymm = (xcr0 & 0x6) == 0x6;
  int zmm = (xcr0 & 0xe6) == 0xe6;
  if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return features;
  if (ymm && (ebx & bit_AVX2)) features |= HIYARI_CPU_AVX2;
  if (ymm && fma) features |= HIYARI_CPU_FMA;
  if (zmm && (ebx & bit_AVX512F)) features |= HIYARI_CPU_AVX512F;
  if (zmm && (ebx & bit_AVX512BW)) features |= HIYARI_CPU_AVX512BW;
  if (zmm && (ecx & bit_AVX512VNNI)) features |= HIYARI_CPU_AVX512VNNI;
  if (__get_cpuid_count(7, 1, &eax, &ebx, &ecx, &edx) && ymm && (eax & (1u << 4)))
    features |= HIYARI_CPU_AVXVNNI;
  return features;
}
#elif defined(__aarch64__)
#include <sys/auxv.h>
#ifndef HWCAP_ASIMDDP
#define HWCAP_ASIMDDP (1 << 20)
#endif
static uint32_t detect(void) {
  uint32_t features = HIYARI_CPU_NEON;
  if (getauxval(AT_HWCAP) & HWCAP_ASIMDDP) features |= HIYARI_CPU_NEON_DOTPROD;
  return features;
}
#else
static uint32_t detect(void) { return 0; }
#endif

static _Atomic uint32_t detected = UINT32_MAX;
static _Atomic uint32_t mask = UINT32_MAX;

uint32_t hiyari_cpu_features_detected(void) {
  uint32_t value = atomic_load_explicit(&detected, memory_order_relaxed);
  if (value == UINT32_MAX) {
    value = detect();
    atomic_store_explicit(&detected, value, memory_order_relaxed);
  }
  return value;
}

uint32_t hiyari_cpu_features(void) {
  return hiyari_cpu_features_detected() & atomic_load_explicit(&mask, memory_order_relaxed);
}

void hiyari_cpu_features_mask(uint32_t new_mask) {
  atomic_store_explicit(&mask, new_mask, memory_order_relaxed);
}
