#include "qelementwise.h"

#include <math.h>

// The order of operations is the contract (see the header): no contraction into FMAs.
#pragma STDC FP_CONTRACT OFF

static void qlinear_add_scalar(
  const uint8_t *a, const uint8_t *b, uint8_t *c, size_t n, int is_signed, float ratio_a, float ratio_b,
  float fixed) {
  const long low = is_signed ? -128 : 0, high = is_signed ? 127 : 255;
  for (size_t i = 0; i < n; i++) {
    float va = is_signed ? (float)(int8_t)a[i] : (float)a[i];
    float vb = is_signed ? (float)(int8_t)b[i] : (float)b[i];
    float sum = fixed + va * ratio_a;
    sum = sum + vb * ratio_b;
    long value = lrintf(sum);  // the default rounding mode: half to even
    value = value < low ? low : value > high ? high : value;
    c[i] = (uint8_t)value;
  }
}

static void quantize_scalar(const float *x, uint8_t *y, size_t n, float scale, int32_t zero_point, int is_signed) {
  const float low = (float)((is_signed ? -128 : 0) - zero_point), high = (float)((is_signed ? 127 : 255) - zero_point);
  for (size_t i = 0; i < n; i++) {
    float v = x[i] / scale;
    v = v > low ? v : low;  // also maps NaN to low
    v = v < high ? v : high;
    y[i] = (uint8_t)(lrintf(v) + zero_point);
  }
}

static void dequantize_scalar(const uint8_t *x, float *y, size_t n, float scale, int32_t zero_point, int is_signed) {
  for (size_t i = 0; i < n; i++) {
    int32_t value = is_signed ? (int32_t)(int8_t)x[i] : (int32_t)x[i];
    y[i] = (float)(value - zero_point) * scale;
  }
}

#if defined(__x86_64__)
#include <immintrin.h>

#include "cpu_features.h"

static inline __m128 widen_quarter(__m128i bytes, int quarter, int is_signed) {
  // Bytes -> int16 -> int32 by duplication and an arithmetic or logical shift (SSE2 only).
  __m128i words = quarter < 2 ? _mm_unpacklo_epi8(bytes, bytes) : _mm_unpackhi_epi8(bytes, bytes);
  __m128i dwords = (quarter & 1) ? _mm_unpackhi_epi16(words, words) : _mm_unpacklo_epi16(words, words);
  dwords = is_signed ? _mm_srai_epi32(dwords, 24) : _mm_srli_epi32(dwords, 24);
  return _mm_cvtepi32_ps(dwords);
}

void hiyari_quantize_linear(const float *x, uint8_t *y, size_t n, float scale, int32_t zero_point, int is_signed) {
  const __m128 vscale = _mm_set1_ps(scale);
  const __m128 low = _mm_set1_ps((float)((is_signed ? -128 : 0) - zero_point));
  const __m128 high = _mm_set1_ps((float)((is_signed ? 127 : 255) - zero_point));
  const __m128i zero = _mm_set1_epi32(zero_point);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m128i q[4];
    for (int k = 0; k < 4; k++) {
      __m128 v = _mm_div_ps(_mm_loadu_ps(x + i + 4 * k), vscale);
      v = _mm_min_ps(_mm_max_ps(v, low), high);  // maxps returns its second operand for a NaN
      q[k] = _mm_add_epi32(_mm_cvtps_epi32(v), zero);
    }
    __m128i lo = _mm_packs_epi32(q[0], q[1]), hi = _mm_packs_epi32(q[2], q[3]);
    _mm_storeu_si128((__m128i *)(y + i), is_signed ? _mm_packs_epi16(lo, hi) : _mm_packus_epi16(lo, hi));
  }
  quantize_scalar(x + i, y + i, n - i, scale, zero_point, is_signed);
}

void hiyari_dequantize_linear(const uint8_t *x, float *y, size_t n, float scale, int32_t zero_point, int is_signed) {
  const __m128 vscale = _mm_set1_ps(scale), zero = _mm_set1_ps((float)zero_point);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m128i bytes = _mm_loadu_si128((const __m128i *)(x + i));
    for (int k = 0; k < 4; k++)  // value - zero point is exact in float32, so the order is free
      _mm_storeu_ps(y + i + 4 * k, _mm_mul_ps(_mm_sub_ps(widen_quarter(bytes, k, is_signed), zero), vscale));
  }
  dequantize_scalar(x + i, y + i, n - i, scale, zero_point, is_signed);
}


/// 32 elements per step on AVX2: the same operations as the SSE2 loop, in the same order.
__attribute__((target("avx2"))) static size_t qlinear_add_avx2(
  const uint8_t *a, const uint8_t *b, uint8_t *c, size_t n, int is_signed, float ratio_a, float ratio_b,
  float fixed) {
  const __m256 va_ratio = _mm256_set1_ps(ratio_a), vb_ratio = _mm256_set1_ps(ratio_b), vfixed = _mm256_set1_ps(fixed);
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    __m256i q[4];
    for (int k = 0; k < 4; k++) {
      __m128i xa = _mm_loadl_epi64((const __m128i *)(a + i + 8 * k));
      __m128i xb = _mm_loadl_epi64((const __m128i *)(b + i + 8 * k));
      __m256i ia = is_signed ? _mm256_cvtepi8_epi32(xa) : _mm256_cvtepu8_epi32(xa);
      __m256i ib = is_signed ? _mm256_cvtepi8_epi32(xb) : _mm256_cvtepu8_epi32(xb);
      __m256 sum = _mm256_add_ps(vfixed, _mm256_mul_ps(_mm256_cvtepi32_ps(ia), va_ratio));
      sum = _mm256_add_ps(sum, _mm256_mul_ps(_mm256_cvtepi32_ps(ib), vb_ratio));
      q[k] = _mm256_cvtps_epi32(sum);  // rounds half to even (the default MXCSR mode)
    }
    __m256i words01 = _mm256_packs_epi32(q[0], q[1]), words23 = _mm256_packs_epi32(q[2], q[3]);
    __m256i bytes = is_signed ? _mm256_packs_epi16(words01, words23) : _mm256_packus_epi16(words01, words23);
    bytes = _mm256_permutevar8x32_epi32(bytes, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
    _mm256_storeu_si256((__m256i *)(c + i), bytes);
  }
  return i;
}

void hiyari_qlinear_add(
  const uint8_t *a, const uint8_t *b, uint8_t *c, size_t n, int is_signed, float ratio_a, float ratio_b,
  float fixed) {
  size_t i = 0;
  if (hiyari_cpu_features() & HIYARI_CPU_AVX2) i = qlinear_add_avx2(a, b, c, n, is_signed, ratio_a, ratio_b, fixed);
  const __m128 va_ratio = _mm_set1_ps(ratio_a), vb_ratio = _mm_set1_ps(ratio_b), vfixed = _mm_set1_ps(fixed);
  for (; i + 16 <= n; i += 16) {
    __m128i va = _mm_loadu_si128((const __m128i *)(a + i));
    __m128i vb = _mm_loadu_si128((const __m128i *)(b + i));
    __m128i q[4];
    for (int k = 0; k < 4; k++) {
      __m128 sum = _mm_add_ps(vfixed, _mm_mul_ps(widen_quarter(va, k, is_signed), va_ratio));
      sum = _mm_add_ps(sum, _mm_mul_ps(widen_quarter(vb, k, is_signed), vb_ratio));
      q[k] = _mm_cvtps_epi32(sum);  // rounds half to even (the default MXCSR mode)
    }
    __m128i lo = _mm_packs_epi32(q[0], q[1]), hi = _mm_packs_epi32(q[2], q[3]);
    __m128i packed = is_signed ? _mm_packs_epi16(lo, hi) : _mm_packus_epi16(lo, hi);
    _mm_storeu_si128((__m128i *)(c + i), packed);
  }
  qlinear_add_scalar(a + i, b + i, c + i, n - i, is_signed, ratio_a, ratio_b, fixed);
}

#else

void hiyari_quantize_linear(const float *x, uint8_t *y, size_t n, float scale, int32_t zero_point, int is_signed) {
  quantize_scalar(x, y, n, scale, zero_point, is_signed);
}

void hiyari_dequantize_linear(const uint8_t *x, float *y, size_t n, float scale, int32_t zero_point, int is_signed) {
  dequantize_scalar(x, y, n, scale, zero_point, is_signed);
}

void hiyari_qlinear_add(
  const uint8_t *a, const uint8_t *b, uint8_t *c, size_t n, int is_signed, float ratio_a, float ratio_b,
  float fixed) {
  qlinear_add_scalar(a, b, c, n, is_signed, ratio_a, ratio_b, fixed);
}

#endif
