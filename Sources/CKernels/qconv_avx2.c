// 256-bit int8 convolution paths: AVX-VNNI (vpdpbusd ymm) and plain AVX2.
//
// AVX2 has no exact u8 x s8 dot product: vpmaddubsw adds two u8*s8 products into a SATURATED
// int16 (255*127*2 = 64770 > 32767), which would make results depend on weight magnitudes and
// break bit-exactness with the scalar reference (ONNX Runtime's AVX2 kernel has this problem and
// asks for 7-bit weights: "reduce_range"). This path instead widens activations to int16
// (vpmovzxbw) and multiplies with vpmaddwd against weights packed as int16: each pair sum is at
// most 2 * 255 * 128 in magnitude, far inside int32, so every product and sum is exact. It costs
// twice the multiply instructions of vpmaddubsw but needs no assumption on the weights.
//
// vpmaddwd on a vector of 4 pixels x 4 channels yields per pixel two partial sums (channels 0-1
// and 2-3) in adjacent lanes; they are folded with vphaddd in the epilogue.
#include "qconv_internal.h"

#if defined(__x86_64__)
#include <string.h>

#if defined(HIYARI_QCONV_EMULATE_HEADER)
// Testing aid (see qconv_avx512.c): a portable emulation of the intrinsics, no target attributes.
#include HIYARI_QCONV_EMULATE_HEADER
#define T2
#define TVNNI
#else
#include <immintrin.h>
#define T2 __attribute__((target("avx2,fma")))
#define TVNNI __attribute__((target("avx2,fma,avxvnni")))
#endif
#define INLINE static inline __attribute__((always_inline))

enum { MR = 4, VNNI_VECTORS = 2 };
/// Output channels per AVX2 tile: 6 x 2 accumulators + 2 activation vectors + 1 weight = 15 of
/// the 16 ymm registers (4 channels left the multiply units waiting on loads and conversions).
enum { MR2 = 6 };
/// Output channels per AVX2 7-bit tile.
enum { MR7 = 4 };

INLINE T2 __m256i requantize8(__m256i acc, __m256i bias, __m256 multiplier, __m256 min_f, __m256 max_f,
                              __m256i zero_point) {
  __m256 f = _mm256_cvtepi32_ps(_mm256_add_epi32(acc, bias));
  f = _mm256_mul_ps(f, multiplier);
  f = _mm256_min_ps(_mm256_max_ps(f, min_f), max_f);
  // vcvtps2dq rounds in the current mode, round-half-to-even by default: the scalar reference's
  // nearbyintf, in one instruction instead of vroundps + vcvttps2dq.
  return _mm256_add_epi32(_mm256_cvtps_epi32(f), zero_point);
}

/// Stores the lanes `mask` of q (values already clamped to the output type) consecutively.
INLINE T2 void store8(uint8_t *out, __m256i q, uint32_t mask, int is_signed) {
  if (mask == 0xFF) {
    __m128i words = _mm_packs_epi32(_mm256_castsi256_si128(q), _mm256_extracti128_si256(q, 1));
    __m128i bytes = is_signed ? _mm_packs_epi16(words, words) : _mm_packus_epi16(words, words);
    _mm_storel_epi64((__m128i *)out, bytes);
  } else if (mask) {
    int32_t values[8];
    _mm256_storeu_si256((__m256i *)values, q);
    hiyari_qconv_store_lanes(out, values, mask, 8, 0);
  }
}

/// Stores 32 requantized values (four vectors of eight, already clamped to the output type) as
/// 32 consecutive bytes: two packs and a lane permute instead of four narrow stores.
INLINE T2 void store32(uint8_t *out, __m256i q0, __m256i q1, __m256i q2, __m256i q3, int is_signed) {
  __m256i words01 = _mm256_packs_epi32(q0, q1), words23 = _mm256_packs_epi32(q2, q3);
  __m256i bytes = is_signed ? _mm256_packs_epi16(words01, words23) : _mm256_packus_epi16(words01, words23);
  // Per 128-bit lane the packs interleave their sources four values at a time.
  bytes = _mm256_permutevar8x32_epi32(bytes, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
  _mm256_storeu_si256((__m256i *)out, bytes);
}

/// Requantizes and stores the 32 depthwise outputs of one row starting at column ow (of which
/// those below hi are real): one packed 32-byte store when all are, else per vector of eight.
INLINE T2 void store_depthwise32(uint8_t *out_row, int32_t ow, int32_t hi, const __m256i ordered[4], __m256i bias,
                                 __m256 multiplier, __m256 min_f, __m256 max_f, __m256i zero_point, int is_signed) {
  if (ow + 32 <= hi) {
    store32(out_row + ow, requantize8(ordered[0], bias, multiplier, min_f, max_f, zero_point),
            requantize8(ordered[1], bias, multiplier, min_f, max_f, zero_point),
            requantize8(ordered[2], bias, multiplier, min_f, max_f, zero_point),
            requantize8(ordered[3], bias, multiplier, min_f, max_f, zero_point), is_signed);
    return;
  }
  for (int v = 0; v < 4; v++) {
    int32_t start = ow + 8 * v;
    if (start >= hi) break;
    int32_t n = hi - start < 8 ? hi - start : 8;
    store8(out_row + start, requantize8(ordered[v], bias, multiplier, min_f, max_f, zero_point), (1u << n) - 1,
           is_signed);
  }
}

INLINE int32_t load_i32(const void *p) {
  int32_t v;
  memcpy(&v, p, 4);
  return v;
}

INLINE int64_t load_i64(const void *p) {
  int64_t v;
  memcpy(&v, p, 8);
  return v;
}

/// The store half of a tile: requantizes acc[m][v] for rows [row_lo, rows).
#define EPILOGUE(NV, ACC)                                                                              \
  do {                                                                                                 \
    const size_t out_plane = (size_t)c->d.out_height * c->d.out_width;                                 \
    const __m256 min_f = _mm256_set1_ps(c->min_f), max_f = _mm256_set1_ps(c->max_f);                   \
    const __m256i zero_point = _mm256_set1_epi32(c->d.output_zero_point);                              \
    for (int m = row_lo; m < rows; m++) {                                                              \
      int32_t co = first_channel + m;                                                                  \
      __m256i bias = _mm256_set1_epi32(c->bias[co]);                                                   \
      __m256 multiplier = _mm256_set1_ps(c->multiplier[co]);                                           \
      uint8_t *plane = y + (size_t)co * out_plane;                                                     \
      for (int v = 0; v < (NV); v++) {                                                                 \
        if (!mask[v]) continue;                                                                        \
        store8(plane + destination[v], requantize8(ACC, bias, multiplier, min_f, max_f, zero_point),   \
               mask[v], c->d.output_is_signed);                                                        \
      }                                                                                                \
    }                                                                                                  \
  } while (0)

/// The body of a 4-channel x 16-pixel tile over channel quads, for a multiply-accumulate DOT(acc, x, w)
/// of four u8 x s8 products per int32 lane: vpdpbusd (AVX-VNNI), or vpmaddubsw + vpmaddwd + vpaddd
/// (AVX2 with 7-bit weights, where the int16 pair sums cannot saturate).
#define QUAD_TILE_BODY(DOT, R)                                                                            \
  __m256i acc[R][VNNI_VECTORS];                                                                       \
  for (int m = 0; m < R; m++)                                                                         \
    for (int v = 0; v < nv; v++) acc[m][v] = _mm256_setzero_si256();                                   \
  const int32_t taps = c->taps, units = c->units_per_group;                                            \
  const size_t unit_stride = c->unit_stride;                                                           \
  for (int32_t t = 0; t < taps; t++) {                                                                 \
    const uint8_t *ap = a + c->tap_offset[t];                                                          \
    for (int32_t q = 0; q < units; q++) {                                                              \
      __m256i x[VNNI_VECTORS];                                                                         \
      for (int v = 0; v < nv; v++) x[v] = _mm256_loadu_si256((const __m256i *)(ap + 32 * v));          \
      for (int m = 0; m < R; m++) {                                                                   \
        __m256i wb = _mm256_set1_epi32(load_i32(w + 4 * m));                                           \
        for (int v = 0; v < nv; v++) acc[m][v] = DOT(acc[m][v], x[v], wb);                             \
      }                                                                                                \
      ap += unit_stride;                                                                               \
      w += R * 4;                                                                                     \
    }                                                                                                  \
  }                                                                                                    \
  /* The epilogue indexes rows at run time; copying out first keeps acc in registers above. */         \
  __m256i sums[R][VNNI_VECTORS];                                                                      \
  for (int m = 0; m < R; m++)                                                                         \
    for (int v = 0; v < nv; v++) sums[m][v] = acc[m][v];                                               \
  EPILOGUE(nv, sums[m][v])

/// The driver over pixel groups and channel blocks for a quad tile function TILE.
#define QUAD_GEMM_BODY(TILE, R)                                                                           \
  const uint8_t *group_input = buffer + (size_t)g * c->units_per_group * c->unit_stride;               \
  const int8_t *group_weights = (const int8_t *)c->weights + (size_t)g * c->blocks_per_group * c->block_bytes; \
  for (int32_t n0 = n_begin; n0 < n_end; n0 += 8 * VNNI_VECTORS) {                                     \
    int32_t count = n_end - n0 < 8 * VNNI_VECTORS ? n_end - n0 : 8 * VNNI_VECTORS;                     \
    int nv = (count + 7) / 8;                                                                          \
    uint32_t mask[VNNI_VECTORS] = {0, 0};                                                              \
    int32_t destination[VNNI_VECTORS] = {0, 0};                                                        \
    uint32_t any = 0;                                                                                  \
    for (int v = 0; v < nv; v++) any |= mask[v] = hiyari_qconv_lanes(c, n0 + 8 * v, 8, n_end, &destination[v]); \
    if (!any) continue;                                                                                \
    const uint8_t *a = group_input + (size_t)n0 * 4;                                                   \
    for (int32_t b = m_begin / (R); b * (R) < m_end; b++) {                                              \
      int32_t lo = b * (R) < m_begin ? m_begin : b * (R);                                                \
      int32_t hi = b * (R) + (R) < m_end ? b * (R) + (R) : m_end;                                          \
      const int8_t *w = group_weights + (size_t)b * c->block_bytes;                                    \
      int32_t first = g * c->out_group + b * (R), row_lo = lo - b * (R), rows = hi - b * (R);             \
      if (nv == 2) TILE(2, c, a, w, first, row_lo, rows, y, mask, destination);                        \
      else TILE(1, c, a, w, first, row_lo, rows, y, mask, destination);                                \
    }                                                                                                  \
  }

#define DOT_VNNI(acc, x, w) _mm256_dpbusd_avx_epi32(acc, x, w)
#define DOT_U8S7(acc, x, w) _mm256_add_epi32(acc, _mm256_madd_epi16(_mm256_maddubs_epi16(x, w), ones16))

// ---- AVX-VNNI: 4 channels x 16 pixels, 8 ymm accumulators (3 vectors of pixels would need all 16 ymm) --

INLINE TVNNI void tile_vnni(const int nv, const struct hiyari_qconv *c, const uint8_t *a, const int8_t *w,
                            int32_t first_channel, int32_t row_lo, int32_t rows, uint8_t *y, const uint32_t *mask,
                            const int32_t *destination) {
  QUAD_TILE_BODY(DOT_VNNI, MR);
}

TVNNI void hiyari_qconv_gemm_avxvnni(const struct hiyari_qconv *c, const uint8_t *buffer, uint8_t *y, int32_t g,
                                     int32_t m_begin, int32_t m_end, int32_t n_begin, int32_t n_end) {
  QUAD_GEMM_BODY(tile_vnni, MR)
}

// ---- AVX2 with 7-bit weights: the AVX-VNNI tile with vpdpbusd emulated exactly ---------------------

INLINE T2 void tile_u8s7(const int nv, const struct hiyari_qconv *c, const uint8_t *a, const int8_t *w,
                         int32_t first_channel, int32_t row_lo, int32_t rows, uint8_t *y, const uint32_t *mask,
                         const int32_t *destination) {
  const __m256i ones16 = _mm256_set1_epi16(1);
  QUAD_TILE_BODY(DOT_U8S7, MR7);
}

T2 void hiyari_qconv_gemm_avx2_u8s7(const struct hiyari_qconv *c, const uint8_t *buffer, uint8_t *y, int32_t g,
                                    int32_t m_begin, int32_t m_end, int32_t n_begin, int32_t n_end) {
  QUAD_GEMM_BODY(tile_u8s7, MR7)
}

// ---- AVX2: 4 channels x 8 pixels, vpmaddwd on int16 ----------------------------------------------

INLINE T2 void tile_avx2(const struct hiyari_qconv *c, const uint8_t *a, const int16_t *w, int32_t first_channel,
                         int32_t row_lo, int32_t rows, uint8_t *y, const uint32_t *mask, const int32_t *destination) {
  __m256i acc[MR2][2];
  for (int m = 0; m < MR2; m++) acc[m][0] = acc[m][1] = _mm256_setzero_si256();
  const int32_t taps = c->taps, units = c->units_per_group;
  const size_t unit_stride = c->unit_stride;
  for (int32_t t = 0; t < taps; t++) {
    const uint8_t *ap = a + c->tap_offset[t];
    for (int32_t q = 0; q < units; q++) {
      __m256i x0 = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)ap));         // pixels 0-3
      __m256i x1 = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(ap + 16)));  // pixels 4-7
      for (int m = 0; m < MR2; m++) {
        __m256i wb = _mm256_set1_epi64x(load_i64(w + 4 * m));
        acc[m][0] = _mm256_add_epi32(acc[m][0], _mm256_madd_epi16(x0, wb));
        acc[m][1] = _mm256_add_epi32(acc[m][1], _mm256_madd_epi16(x1, wb));
      }
      ap += unit_stride;
      w += MR2 * 4;
    }
  }
  // Lanes (2p, 2p+1) of acc[m][h] are pixel 4h+p's two partial sums, 128-bit halves holding
  // pixels {0,1} and {2,3}: hadd gives [p0 p1 p4 p5 | p2 p3 p6 p7]; the permute restores order.
  __m256i sums[MR2][1];
  for (int m = 0; m < MR2; m++)
    sums[m][0] = _mm256_permute4x64_epi64(_mm256_hadd_epi32(acc[m][0], acc[m][1]), _MM_SHUFFLE(3, 1, 2, 0));
  EPILOGUE(1, sums[m][0]);
}

T2 void hiyari_qconv_gemm_avx2(const struct hiyari_qconv *c, const uint8_t *buffer, uint8_t *y, int32_t g,
                               int32_t m_begin, int32_t m_end, int32_t n_begin, int32_t n_end) {
  const uint8_t *group_input = buffer + (size_t)g * c->units_per_group * c->unit_stride;
  const uint8_t *group_weights = (const uint8_t *)c->weights + (size_t)g * c->blocks_per_group * c->block_bytes;
  for (int32_t n0 = n_begin; n0 < n_end; n0 += 8) {
    uint32_t mask[1];
    int32_t destination[1];
    mask[0] = hiyari_qconv_lanes(c, n0, 8, n_end, &destination[0]);
    if (!mask[0]) continue;
    const uint8_t *a = group_input + (size_t)n0 * 4;
    for (int32_t b = m_begin / MR2; b * MR2 < m_end; b++) {
      int32_t lo = b * MR2 < m_begin ? m_begin : b * MR2;
      int32_t hi = b * MR2 + MR2 < m_end ? b * MR2 + MR2 : m_end;
      const int16_t *w = (const int16_t *)(group_weights + (size_t)b * c->block_bytes);
      tile_avx2(c, a, w, g * c->out_group + b * MR2, lo - b * MR2, hi - b * MR2, y, mask, destination);
    }
  }
}

// ---- Depthwise (AVX2 and AVX-VNNI machines) -------------------------------------------------------

T2 void hiyari_qconv_depthwise_avx2(const struct hiyari_qconv *c, const uint8_t *buffer, uint8_t *y,
                                    int32_t c_begin, int32_t c_end, int32_t n_begin, int32_t n_end) {
  // Taps go in pairs: their pixels interleaved as int16 meet the pair of weights in one
  // vpmaddwd (16 MACs). An odd last tap pairs with itself under a zero weight.
  enum { MAX_PAIRS = 64, LANES = 32 };
  const hiyari_qconv_desc *d = &c->d;
  const size_t out_plane = (size_t)d->out_height * d->out_width;
  const __m256 min_f = _mm256_set1_ps(c->min_f), max_f = _mm256_set1_ps(c->max_f);
  const __m256i zero_point = _mm256_set1_epi32(d->output_zero_point);
  const int32_t taps = c->taps, pairs = (taps + 1) / 2;
  if (pairs > MAX_PAIRS) {
    hiyari_qconv_depthwise_scalar(c, buffer, y, c_begin, c_end, n_begin, n_end);
    return;
  }
  int32_t first_offset[MAX_PAIRS], second_offset[MAX_PAIRS];
  for (int32_t k = 0; k < pairs; k++) {
    first_offset[k] = c->tap_offset[2 * k];
    second_offset[k] = 2 * k + 1 < taps ? c->tap_offset[2 * k + 1] : c->tap_offset[2 * k];
  }
  for (int32_t ch = c_begin; ch < c_end; ch++) {
    const uint8_t *plane = buffer + (size_t)ch * c->unit_stride;
    const int32_t *w = c->dw_weights + (size_t)ch * taps;
    __m256i weight_pair[MAX_PAIRS];
    for (int32_t k = 0; k < pairs; k++) {
      uint32_t second = 2 * k + 1 < taps ? (uint32_t)w[2 * k + 1] : 0;
      weight_pair[k] = _mm256_set1_epi32((int32_t)(((uint32_t)w[2 * k] & 0xFFFF) | (second << 16)));
    }
    const __m256i bias = _mm256_set1_epi32(c->bias[ch]);
    const __m256 multiplier = _mm256_set1_ps(c->multiplier[ch]);
    uint8_t *out = y + (size_t)ch * out_plane;
    for (int32_t row = n_begin / c->wq; row < d->out_height && row * c->wq < n_end; row++) {
      int32_t lo = n_begin - row * c->wq, hi = n_end - row * c->wq;
      if (lo < 0) lo = 0;
      if (hi > d->out_width) hi = d->out_width;
      const uint8_t *in_row = plane + (size_t)row * c->wq;
      for (int32_t ow = lo; ow < hi; ow += LANES) {
        // Per 16 pixels, unpacklo/hi work per 128-bit lane: acc[0] holds pixels 0-3 and 8-11,
        // acc[1] 4-7 and 12-15 (likewise acc[2], acc[3] for pixels 16-31); permutes reorder.
        __m256i acc[4] = {_mm256_setzero_si256(), _mm256_setzero_si256(), _mm256_setzero_si256(),
                          _mm256_setzero_si256()};
        const uint8_t *p = in_row + ow;
        for (int32_t k = 0; k < pairs; k++) {
          const uint8_t *first = p + first_offset[k], *second = p + second_offset[k];
          for (int h = 0; h < 2; h++) {
            __m256i a = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(first + 16 * h)));
            __m256i b = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(second + 16 * h)));
            acc[2 * h] = _mm256_add_epi32(acc[2 * h], _mm256_madd_epi16(_mm256_unpacklo_epi16(a, b), weight_pair[k]));
            acc[2 * h + 1] =
              _mm256_add_epi32(acc[2 * h + 1], _mm256_madd_epi16(_mm256_unpackhi_epi16(a, b), weight_pair[k]));
          }
        }
        __m256i ordered[4] = {
          _mm256_permute2x128_si256(acc[0], acc[1], 0x20), _mm256_permute2x128_si256(acc[0], acc[1], 0x31),
          _mm256_permute2x128_si256(acc[2], acc[3], 0x20), _mm256_permute2x128_si256(acc[2], acc[3], 0x31)};
        store_depthwise32(out + (size_t)row * d->out_width, ow, hi, ordered, bias, multiplier, min_f, max_f,
                          zero_point, d->output_is_signed);
      }
    }
  }
}

/// Depthwise with 7-bit weights: four taps at a time. Their rows' bytes interleaved per pixel
/// (two levels of unpack) meet the four weights in vpmaddubsw + vpmaddwd, a 4-tap dot product
/// per int32 lane, exact because |w| <= 64 keeps each pair sum below 2^15. Half the shuffles and
/// multiplies of the int16 pair kernel above. Taps past the last get weight 0.
T2 void hiyari_qconv_depthwise_avx2_u8s7(const struct hiyari_qconv *c, const uint8_t *buffer, uint8_t *y,
                                         int32_t c_begin, int32_t c_end, int32_t n_begin, int32_t n_end) {
  enum { MAX_GROUPS = 32, LANES = 32 };
  const hiyari_qconv_desc *d = &c->d;
  const size_t out_plane = (size_t)d->out_height * d->out_width;
  const __m256 min_f = _mm256_set1_ps(c->min_f), max_f = _mm256_set1_ps(c->max_f);
  const __m256i zero_point = _mm256_set1_epi32(d->output_zero_point), ones16 = _mm256_set1_epi16(1);
  const int32_t taps = c->taps, groups = (taps + 3) / 4;
  if (groups > MAX_GROUPS) {
    hiyari_qconv_depthwise_avx2(c, buffer, y, c_begin, c_end, n_begin, n_end);
    return;
  }
  int32_t offset[MAX_GROUPS * 4];
  for (int32_t t = 0; t < groups * 4; t++) offset[t] = c->tap_offset[t < taps ? t : taps - 1];
  for (int32_t ch = c_begin; ch < c_end; ch++) {
    const uint8_t *plane = buffer + (size_t)ch * c->unit_stride;
    const int32_t *w = c->dw_weights + (size_t)ch * taps;
    __m256i weights[MAX_GROUPS];
    for (int32_t k = 0; k < groups; k++) {
      uint32_t word = 0;
      for (int j = 0; j < 4; j++) {
        int32_t t = 4 * k + j;
        uint8_t byte = t < taps ? (uint8_t)(int8_t)(int16_t)w[t] : 0;
        word |= (uint32_t)byte << (8 * j);
      }
      weights[k] = _mm256_set1_epi32((int32_t)word);
    }
    const __m256i bias = _mm256_set1_epi32(c->bias[ch]);
    const __m256 multiplier = _mm256_set1_ps(c->multiplier[ch]);
    uint8_t *out = y + (size_t)ch * out_plane;
    for (int32_t row = n_begin / c->wq; row < d->out_height && row * c->wq < n_end; row++) {
      int32_t lo = n_begin - row * c->wq, hi = n_end - row * c->wq;
      if (lo < 0) lo = 0;
      if (hi > d->out_width) hi = d->out_width;
      const uint8_t *in_row = plane + (size_t)row * c->wq;
      for (int32_t ow = lo; ow < hi; ow += LANES) {
        // acc[0] holds pixels 0-3 and 16-19, acc[1] 4-7 and 20-23, acc[2] 8-11 and 24-27,
        // acc[3] 12-15 and 28-31 (the unpacks work per 128-bit lane).
        __m256i acc[4] = {_mm256_setzero_si256(), _mm256_setzero_si256(), _mm256_setzero_si256(),
                          _mm256_setzero_si256()};
        const uint8_t *p = in_row + ow;
        for (int32_t k = 0; k < groups; k++) {
          __m256i r0 = _mm256_loadu_si256((const __m256i *)(p + offset[4 * k]));
          __m256i r1 = _mm256_loadu_si256((const __m256i *)(p + offset[4 * k + 1]));
          __m256i r2 = _mm256_loadu_si256((const __m256i *)(p + offset[4 * k + 2]));
          __m256i r3 = _mm256_loadu_si256((const __m256i *)(p + offset[4 * k + 3]));
          __m256i lo01 = _mm256_unpacklo_epi8(r0, r1), hi01 = _mm256_unpackhi_epi8(r0, r1);
          __m256i lo23 = _mm256_unpacklo_epi8(r2, r3), hi23 = _mm256_unpackhi_epi8(r2, r3);
          __m256i quads[4] = {_mm256_unpacklo_epi16(lo01, lo23), _mm256_unpackhi_epi16(lo01, lo23),
                              _mm256_unpacklo_epi16(hi01, hi23), _mm256_unpackhi_epi16(hi01, hi23)};
          for (int q = 0; q < 4; q++)
            acc[q] = _mm256_add_epi32(acc[q], _mm256_madd_epi16(_mm256_maddubs_epi16(quads[q], weights[k]), ones16));
        }
        __m256i ordered[4] = {
          _mm256_permute2x128_si256(acc[0], acc[1], 0x20), _mm256_permute2x128_si256(acc[2], acc[3], 0x20),
          _mm256_permute2x128_si256(acc[0], acc[1], 0x31), _mm256_permute2x128_si256(acc[2], acc[3], 0x31)};
        store_depthwise32(out + (size_t)row * d->out_width, ow, hi, ordered, bias, multiplier, min_f, max_f,
                          zero_point, d->output_is_signed);
      }
    }
  }
}

#if !defined(HIYARI_QCONV_EMULATE_HEADER)
// ---- Peak micro-kernels ---------------------------------------------------------------------------

TVNNI uint64_t hiyari_int8_peak_avxvnni(int64_t iterations) {
  __m256i acc[12];
  for (int i = 0; i < 12; i++) acc[i] = _mm256_set1_epi32(i);
  __m256i a = _mm256_set1_epi8(3), b = _mm256_set1_epi8(-5);
  for (int64_t n = 0; n < iterations; n++) {
    for (int i = 0; i < 12; i++) acc[i] = _mm256_dpbusd_avx_epi32(acc[i], a, b);
    for (int i = 0; i < 12; i++) acc[i] = _mm256_dpbusd_avx_epi32(acc[i], b, a);
    __asm__ volatile("" : "+x"(a));
  }
  __m256i sum = acc[0];
  for (int i = 1; i < 12; i++) sum = _mm256_add_epi32(sum, acc[i]);
  volatile int32_t sink = _mm256_extract_epi32(sum, 0);
  (void)sink;
  return (uint64_t)iterations * 24 * 32;
}

/// The AVX2 7-bit path's instructions, vpmaddubsw + vpmaddwd (by ones) + vpaddd: 32 MACs per vpmaddubsw.
T2 uint64_t hiyari_int8_peak_avx2_u8s7(int64_t iterations) {
  __m256i acc[12];
  for (int i = 0; i < 12; i++) acc[i] = _mm256_set1_epi32(i);
  __m256i a = _mm256_set1_epi8(3);
  const __m256i b0 = _mm256_set1_epi8(-5), b1 = _mm256_set1_epi8(7), ones16 = _mm256_set1_epi16(1);
  for (int64_t n = 0; n < iterations; n++) {
    __asm__ volatile("" : "+x"(a));
    for (int i = 0; i < 12; i++) acc[i] = DOT_U8S7(acc[i], a, (i & 1) ? b0 : b1);
  }
  __m256i sum = acc[0];
  for (int i = 1; i < 12; i++) sum = _mm256_add_epi32(sum, acc[i]);
  volatile int32_t sink = _mm256_extract_epi32(sum, 0);
  (void)sink;
  return (uint64_t)iterations * 12 * 32;
}

/// The exact AVX2 path's instruction pair, vpmaddwd + vpaddd: 16 MACs per vpmaddwd.
T2 uint64_t hiyari_int8_peak_avx2(int64_t iterations) {
  __m256i acc[8];
  for (int i = 0; i < 8; i++) acc[i] = _mm256_set1_epi32(i);
  __m256i x0 = _mm256_set1_epi16(3), x1 = _mm256_set1_epi16(7);
  const __m256i w0 = _mm256_set1_epi16(-5), w1 = _mm256_set1_epi16(2), w2 = _mm256_set1_epi16(9),
                w3 = _mm256_set1_epi16(-1);
  for (int64_t n = 0; n < iterations; n++) {
    __asm__ volatile("" : "+x"(x0), "+x"(x1));
    acc[0] = _mm256_add_epi32(acc[0], _mm256_madd_epi16(x0, w0));
    acc[1] = _mm256_add_epi32(acc[1], _mm256_madd_epi16(x0, w1));
    acc[2] = _mm256_add_epi32(acc[2], _mm256_madd_epi16(x0, w2));
    acc[3] = _mm256_add_epi32(acc[3], _mm256_madd_epi16(x0, w3));
    acc[4] = _mm256_add_epi32(acc[4], _mm256_madd_epi16(x1, w0));
    acc[5] = _mm256_add_epi32(acc[5], _mm256_madd_epi16(x1, w1));
    acc[6] = _mm256_add_epi32(acc[6], _mm256_madd_epi16(x1, w2));
    acc[7] = _mm256_add_epi32(acc[7], _mm256_madd_epi16(x1, w3));
  }
  __m256i sum = acc[0];
  for (int i = 1; i < 8; i++) sum = _mm256_add_epi32(sum, acc[i]);
  volatile int32_t sink = _mm256_extract_epi32(sum, 0);
  (void)sink;
  return (uint64_t)iterations * 8 * 16;
}
#endif
#endif
