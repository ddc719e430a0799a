// AVX-512 VNNI int8 convolution: vpdpbusd (u8 x s8 -> s32, four products per lane, no
// saturation) on 512-bit vectors of 16 virtual pixels.
//
// GEMM tile: 8 output channels x up to 48 virtual pixels = 24 zmm accumulators. Per k step (one
// tap, one unit of 4 input channels) it loads 3 activation vectors (16 pixels x 4 channels) and
// broadcasts each channel's 4 weights from memory (vpbroadcastd m32, a load-port uop):
// 24 vpdpbusd for 3 + 8 loads. Tiles walk pixels in the outer loop and channel blocks in the inner
// one, so a tile's activations stay in L1 while every block of weights streams past them.
//
// Depthwise: 64 pixels of one output row at a time (4 independent accumulators), each tap one
// vpmovzxbd + vpdpwssd (int16 pairs: the high half of each lane is zero on both sides).
#include "qconv_internal.h"

#if defined(__x86_64__)
#include <string.h>

#if defined(HIYARI_QCONV_EMULATE_HEADER)
// Testing aid: build against a portable emulation of the intrinsics (such as SIMDe) to check the
// kernels' logic on a machine without these instructions. Never used in the product.
#include HIYARI_QCONV_EMULATE_HEADER
#define T512
#else
#include <immintrin.h>
#define T512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni")))
#endif
#define INLINE static inline __attribute__((always_inline))

enum { MR = 8, VECTORS = 3 };

INLINE T512 __m512i requantize16(__m512i acc, __m512i bias, __m512 multiplier, __m512 min_f, __m512 max_f,
                                 __m512i zero_point) {
  __m512 f = _mm512_cvtepi32_ps(_mm512_add_epi32(acc, bias));
  f = _mm512_mul_ps(f, multiplier);
  f = _mm512_min_ps(_mm512_max_ps(f, min_f), max_f);
  return _mm512_add_epi32(_mm512_cvt_roundps_epi32(f, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC), zero_point);
}

/// Stores lanes `mask` of q (clamped values) to consecutive bytes at out.
INLINE T512 void store16(uint8_t *out, __m512i q, uint32_t mask) {
  if (mask == 0xFFFF) {
    _mm_storeu_si128((__m128i *)out, _mm512_cvtepi32_epi8(q));
  } else if (mask) {
    __m128i packed = _mm512_cvtepi32_epi8(_mm512_maskz_compress_epi32((__mmask16)mask, q));
    _mm_mask_storeu_epi8(out, (__mmask16)((1u << __builtin_popcount(mask)) - 1), packed);
  }
}

INLINE int32_t load_i32(const void *p) {
  int32_t v;
  memcpy(&v, p, 4);
  return v;
}

/// One tile: rows [row_lo, rows) of the block at `w` (channels first_channel + row) at nv vectors of
/// virtual pixels starting at `a` (already offset to the tile's first pixel).
INLINE T512 void tile(const int nv, const struct hiyari_qconv *c, const uint8_t *a, const int8_t *w,
                      int32_t first_channel, int32_t row_lo, int32_t rows, uint8_t *y, const uint32_t *mask,
                      const int32_t *destination) {
  __m512i acc[MR][VECTORS];
  for (int m = 0; m < MR; m++)
    for (int v = 0; v < nv; v++) acc[m][v] = _mm512_setzero_si512();
  const int32_t taps = c->taps, units = c->units_per_group;
  const size_t unit_stride = c->unit_stride;
  for (int32_t t = 0; t < taps; t++) {
    const uint8_t *ap = a + c->tap_offset[t];
    for (int32_t q = 0; q < units; q++) {
      __m512i x[VECTORS];
      for (int v = 0; v < nv; v++) x[v] = _mm512_loadu_si512(ap + 64 * v);
      for (int m = 0; m < MR; m++) {
        __m512i wb = _mm512_set1_epi32(load_i32(w + 4 * m));
        for (int v = 0; v < nv; v++) acc[m][v] = _mm512_dpbusd_epi32(acc[m][v], x[v], wb);
      }
      ap += unit_stride;
      w += MR * 4;
    }
  }
  // The epilogue indexes rows at run time; copying out first keeps acc in registers above.
  __m512i sums[MR][VECTORS];
  for (int m = 0; m < MR; m++)
    for (int v = 0; v < nv; v++) sums[m][v] = acc[m][v];
  const size_t out_plane = (size_t)c->d.out_height * c->d.out_width;
  const __m512 min_f = _mm512_set1_ps(c->min_f), max_f = _mm512_set1_ps(c->max_f);
  const __m512i zero_point = _mm512_set1_epi32(c->d.output_zero_point);
  for (int m = 0; m < MR; m++) {
    if (m >= rows) break;
    if (m < row_lo) continue;
    int32_t co = first_channel + m;
    __m512i bias = _mm512_set1_epi32(c->bias[co]);
    __m512 multiplier = _mm512_set1_ps(c->multiplier[co]);
    uint8_t *plane = y + (size_t)co * out_plane;
    for (int v = 0; v < nv; v++) {
      if (!mask[v]) continue;
      store16(plane + destination[v], requantize16(sums[m][v], bias, multiplier, min_f, max_f, zero_point), mask[v]);
    }
  }
}

T512 void hiyari_qconv_gemm_avx512(const struct hiyari_qconv *c, const uint8_t *buffer, uint8_t *y, int32_t g,
                                   int32_t m_begin, int32_t m_end, int32_t n_begin, int32_t n_end) {
  const uint8_t *group_input = buffer + (size_t)g * c->units_per_group * c->unit_stride;
  const int8_t *group_weights = (const int8_t *)c->weights + (size_t)g * c->blocks_per_group * c->block_bytes;
  for (int32_t n0 = n_begin; n0 < n_end; n0 += 16 * VECTORS) {
    int32_t count = n_end - n0 < 16 * VECTORS ? n_end - n0 : 16 * VECTORS;
    int nv = (count + 15) / 16;
    uint32_t mask[VECTORS] = {0, 0, 0};
    int32_t destination[VECTORS] = {0, 0, 0};
    uint32_t any = 0;
    for (int v = 0; v < nv; v++) any |= mask[v] = hiyari_qconv_lanes(c, n0 + 16 * v, 16, n_end, &destination[v]);
    if (!any) continue;
    const uint8_t *a = group_input + (size_t)n0 * 4;
    for (int32_t b = m_begin / MR; b * MR < m_end; b++) {
      int32_t lo = b * MR < m_begin ? m_begin : b * MR;
      int32_t hi = b * MR + MR < m_end ? b * MR + MR : m_end;
      const int8_t *w = group_weights + (size_t)b * c->block_bytes;
      // A range starting inside a block (unusual) computes the whole block and stores from lo.
      int32_t first = g * c->out_group + b * MR, row_lo = lo - b * MR, rows = hi - b * MR;
      if (nv == 3) tile(3, c, a, w, first, row_lo, rows, y, mask, destination);
      else if (nv == 2) tile(2, c, a, w, first, row_lo, rows, y, mask, destination);
      else tile(1, c, a, w, first, row_lo, rows, y, mask, destination);
    }
  }
}

T512 void hiyari_qconv_depthwise_avx512(const struct hiyari_qconv *c, const uint8_t *buffer, uint8_t *y,
                                        int32_t c_begin, int32_t c_end, int32_t n_begin, int32_t n_end) {
  const hiyari_qconv_desc *d = &c->d;
  const size_t out_plane = (size_t)d->out_height * d->out_width;
  const __m512 min_f = _mm512_set1_ps(c->min_f), max_f = _mm512_set1_ps(c->max_f);
  const __m512i zero_point = _mm512_set1_epi32(d->output_zero_point);
  const int32_t taps = c->taps;
  for (int32_t ch = c_begin; ch < c_end; ch++) {
    const uint8_t *plane = buffer + (size_t)ch * c->unit_stride;
    const int32_t *w = c->dw_weights + (size_t)ch * taps;
    const __m512i bias = _mm512_set1_epi32(c->bias[ch]);
    const __m512 multiplier = _mm512_set1_ps(c->multiplier[ch]);
    uint8_t *out = y + (size_t)ch * out_plane;
    for (int32_t row = n_begin / c->wq; row < d->out_height && row * c->wq < n_end; row++) {
      int32_t lo = n_begin - row * c->wq, hi = n_end - row * c->wq;
      if (lo < 0) lo = 0;
      if (hi > d->out_width) hi = d->out_width;
      const uint8_t *in_row = plane + (size_t)row * c->wq;
      for (int32_t ow = lo; ow < hi; ow += 64) {
        __m512i acc0 = _mm512_setzero_si512(), acc1 = acc0, acc2 = acc0, acc3 = acc0;
        const uint8_t *p = in_row + ow;
        for (int32_t t = 0; t < taps; t++) {
          const uint8_t *q = p + c->tap_offset[t];
          __m512i wt = _mm512_set1_epi32(w[t]);
          acc0 = _mm512_dpwssd_epi32(acc0, _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)q)), wt);
          acc1 = _mm512_dpwssd_epi32(acc1, _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(q + 16))), wt);
          acc2 = _mm512_dpwssd_epi32(acc2, _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(q + 32))), wt);
          acc3 = _mm512_dpwssd_epi32(acc3, _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(q + 48))), wt);
        }
        __m512i accs[4] = {acc0, acc1, acc2, acc3};
        for (int v = 0; v < 4; v++) {
          int32_t start = ow + 16 * v;
          if (start >= hi) break;
          int32_t n = hi - start < 16 ? hi - start : 16;
          __m512i q = requantize16(accs[v], bias, multiplier, min_f, max_f, zero_point);
          _mm_mask_storeu_epi8(out + (size_t)row * d->out_width + start, (__mmask16)((1u << n) - 1),
                               _mm512_cvtepi32_epi8(q));
        }
      }
    }
  }
}

#if !defined(HIYARI_QCONV_EMULATE_HEADER)
T512 uint64_t hiyari_int8_peak_avx512(int64_t iterations) {
  __m512i acc[24];
  for (int i = 0; i < 24; i++) acc[i] = _mm512_set1_epi32(i);
  __m512i a = _mm512_set1_epi8(3), b = _mm512_set1_epi8(-5);
  for (int64_t n = 0; n < iterations; n++) {
    for (int i = 0; i < 24; i++) acc[i] = _mm512_dpbusd_epi32(acc[i], a, b);
    __asm__ volatile("" : "+v"(a));
  }
  __m512i sum = acc[0];
  for (int i = 1; i < 24; i++) sum = _mm512_add_epi32(sum, acc[i]);
  volatile int32_t sink = _mm512_reduce_add_epi32(sum);
  (void)sink;
  return (uint64_t)iterations * 24 * 64;
}
#endif
#endif
