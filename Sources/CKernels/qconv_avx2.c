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

/// 32 requantized values (four vectors of eight, already clamped to the output type) as 32 bytes
/// in order: two packs and a lane permute.
INLINE T2 __m256i pack32(__m256i q0, __m256i q1, __m256i q2, __m256i q3, int is_signed) {
  __m256i words01 = _mm256_packs_epi32(q0, q1), words23 = _mm256_packs_epi32(q2, q3);
  __m256i bytes = is_signed ? _mm256_packs_epi16(words01, words23) : _mm256_packus_epi16(words01, words23);
  // Per 128-bit lane the packs interleave their sources four values at a time.
  return _mm256_permutevar8x32_epi32(bytes, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
}

/// Stores 32 requantized values as 32 consecutive bytes, instead of four narrow stores.
INLINE T2 void store32(uint8_t *out, __m256i q0, __m256i q1, __m256i q2, __m256i q3, int is_signed) {
  _mm256_storeu_si256((__m256i *)out, pack32(q0, q1, q2, q3, is_signed));
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

/// The store half of a quad tile, whose sums already hold the bias: where a channel's 16 pixels
/// are all real, they are requantized into one 16-byte store, the zero point added once per 16 in
/// int16 (exact: the clamped values plus the zero point lie within the output type).
#define QUAD_EPILOGUE(NV, SUMS)                                                                        \
  do {                                                                                                 \
    const size_t out_plane = (size_t)c->d.out_height * c->d.out_width;                                 \
    const __m256 min_f = _mm256_set1_ps(c->min_f), max_f = _mm256_set1_ps(c->max_f);                   \
    const __m256i zero_point = _mm256_set1_epi32(c->d.output_zero_point);                              \
    const __m256i zero_point16 = _mm256_set1_epi16((int16_t)c->d.output_zero_point), none = _mm256_setzero_si256(); \
    const int is_signed = c->d.output_is_signed;                                                       \
    const int whole = (NV) == 2 && mask[0] == 0xFF && mask[1] == 0xFF && destination[1] == destination[0] + 8; \
    for (int m = row_lo; m < rows; m++) {                                                              \
      int32_t co = first_channel + m;                                                                  \
      __m256 multiplier = _mm256_set1_ps(c->multiplier[co]);                                           \
      uint8_t *plane = y + (size_t)co * out_plane;                                                     \
      if (whole) {                                                                                     \
        __m256i q0 = requantize8(SUMS[m][0], none, multiplier, min_f, max_f, none);                    \
        __m256i q1 = requantize8(SUMS[m][1], none, multiplier, min_f, max_f, none);                    \
        __m256i words = _mm256_add_epi16(_mm256_packs_epi32(q0, q1), zero_point16);                    \
        __m256i bytes = is_signed ? _mm256_packs_epi16(words, words) : _mm256_packus_epi16(words, words); \
        bytes = _mm256_permutevar8x32_epi32(bytes, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));         \
        _mm_storeu_si128((__m128i *)(plane + destination[0]), _mm256_castsi256_si128(bytes));          \
        continue;                                                                                      \
      }                                                                                                \
      for (int v = 0; v < (NV); v++) {                                                                 \
        if (!mask[v]) continue;                                                                        \
        store8(plane + destination[v], requantize8(SUMS[m][v], none, multiplier, min_f, max_f, zero_point), \
               mask[v], is_signed);                                                                    \
      }                                                                                                \
    }                                                                                                  \
  } while (0)

/// The body of a 4-channel x 16-pixel tile over channel quads, for a multiply-accumulate DOT(acc, x, w)
/// of four u8 x s8 products per int32 lane: vpdpbusd (AVX-VNNI), or vpmaddubsw + vpmaddwd + vpaddd
/// (AVX2 with 7-bit weights, where the int16 pair sums cannot saturate).
#define QUAD_TILE_BODY(DOT, R)                                                                            \
  __m256i acc[R][VNNI_VECTORS];                                                                       \
  for (int m = 0; m < R; m++) { /* sums start from the bias (rows past the group's end: nothing) */   \
    const __m256i start = _mm256_set1_epi32(m < rows ? c->bias[first_channel + m] : 0);               \
    for (int v = 0; v < nv; v++) acc[m][v] = start;                                                    \
  }                                                                                                    \
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
  QUAD_EPILOGUE(nv, sums)

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

/// Depthwise with 7-bit weights. Taps are grouped into "windows" of up to four whose packed
/// offsets lie within 8 bytes of the first (a 3x3 kernel row is one window, at stride 1 and, with
/// row phases, at stride 2). Per window, one vpshufb gathers four pixels' taps as 4-byte quads from
/// each 128-bit lane of one 32-byte load (pixel j of a lane reads bytes pixel_step * j + tap
/// offset); vpmaddubsw + vpmaddwd against the window's weights then give each pixel's dot product
/// over the window, exact because |w| <= 64 keeps every pair sum below 2^15. Empty slots of a
/// quad read a zero byte (shuffle index 0x80) against a zero weight. Sums over taps are exact
/// int32, so their order does not matter.
enum { DW_MAX_WINDOWS = HIYARI_QCONV_DW_MAX_WINDOWS, DW_WINDOW_SPAN = 8 };

typedef struct {
  int32_t count;
  int32_t offset[DW_MAX_WINDOWS];
  /// Per window: the tap of each quad slot, or -1.
  int32_t tap[DW_MAX_WINDOWS][4];
  uint8_t control[DW_MAX_WINDOWS][32];
} depthwise_windows;

/// Groups the taps into windows; returns 0 when there are more than DW_MAX_WINDOWS.
static int depthwise_group_taps(const struct hiyari_qconv *c, depthwise_windows *windows) {
  enum { MAX_TAPS = 4 * DW_MAX_WINDOWS };
  const int32_t taps = c->taps;
  if (taps > MAX_TAPS) return 0;
  int32_t order[MAX_TAPS];
  for (int32_t t = 0; t < taps; t++) {  // insertion sort by offset: a handful of taps
    int32_t j = t;
    while (j > 0 && c->tap_offset[order[j - 1]] > c->tap_offset[t]) {
      order[j] = order[j - 1];
      j--;
    }
    order[j] = t;
  }
  windows->count = 0;
  for (int32_t i = 0; i < taps;) {
    if (windows->count == DW_MAX_WINDOWS) return 0;
    int32_t w = windows->count++, first = c->tap_offset[order[i]];
    windows->offset[w] = first;
    int slots = 0;
    for (; slots < 4 && i < taps && c->tap_offset[order[i]] - first <= DW_WINDOW_SPAN; slots++, i++)
      windows->tap[w][slots] = order[i];
    for (int j = slots; j < 4; j++) windows->tap[w][j] = -1;
    for (int lane = 0; lane < 2; lane++)
      for (int pixel = 0; pixel < 4; pixel++)
        for (int j = 0; j < 4; j++) {
          int32_t t = windows->tap[w][j];
          windows->control[w][16 * lane + 4 * pixel + j] =
            t < 0 ? 0x80 : (uint8_t)(pixel * c->pixel_step + c->tap_offset[t] - first);
        }
  }
  return 1;
}

/// The dot products over all windows of 32 consecutive virtual pixels starting at p (a plane
/// pointer plus the first pixel's bytes), each window's operands loaded once, in pixel order.
/// Step 1: one 32-byte load at pixel 4v feeds lane 0 with pixels 4v...4v+3 and lane 1 with pixels
/// 16+4v...16+4v+3. Step 2: the load at byte 8v + 32h (v, h in {0, 1}) feeds pixels
/// 16h+4v...16h+4v+3 and 16h+8+4v... (a lane is 16 bytes, 8 pixels on).
/// Every sum starts from `bias` (the same in all lanes), which saves the epilogue its add.
INLINE T2 void depthwise_dot32(const uint8_t *p, int step, int32_t count, const int32_t *offset,
                               const __m256i *control, const __m256i *weights, __m256i bias, __m256i ones16,
                               __m256i out[4]) {
  __m256i acc[4] = {bias, bias, bias, bias};
  for (int32_t k = 0; k < count; k++) {
    const uint8_t *q = p + offset[k];
    const __m256i shuffle = control[k], weight = weights[k];
    for (int v = 0; v < 4; v++) {
      const int at = step == 1 ? 4 * v : 8 * (v & 1) + 32 * (v >> 1);
      __m256i window = _mm256_loadu_si256((const __m256i *)(q + at));
      __m256i pairs = _mm256_maddubs_epi16(_mm256_shuffle_epi8(window, shuffle), weight);
      acc[v] = _mm256_add_epi32(acc[v], _mm256_madd_epi16(pairs, ones16));
    }
  }
  if (step == 1) {  // acc[v]: {4v...4v+3 | 16+4v...}
    out[0] = _mm256_permute2x128_si256(acc[0], acc[1], 0x20);
    out[1] = _mm256_permute2x128_si256(acc[2], acc[3], 0x20);
    out[2] = _mm256_permute2x128_si256(acc[0], acc[1], 0x31);
    out[3] = _mm256_permute2x128_si256(acc[2], acc[3], 0x31);
  } else {  // acc[2h + v]: {16h+4v... | 16h+8+4v...}
    out[0] = _mm256_permute2x128_si256(acc[0], acc[1], 0x20);
    out[1] = _mm256_permute2x128_si256(acc[0], acc[1], 0x31);
    out[2] = _mm256_permute2x128_si256(acc[2], acc[3], 0x20);
    out[3] = _mm256_permute2x128_si256(acc[2], acc[3], 0x31);
  }
}

/// The depthwise 7-bit loop over channels [c_begin, c_end) and virtual pixels [n_begin, n_end),
/// for a pixel step known at compile time.
INLINE T2 void depthwise_u8s7(const struct hiyari_qconv *c, const depthwise_windows *windows, const int step,
                              const uint8_t *buffer, uint8_t *y, int32_t c_begin, int32_t c_end, int32_t n_begin,
                              int32_t n_end) {
  const hiyari_qconv_desc *d = &c->d;
  const size_t out_plane = (size_t)d->out_height * d->out_width;
  const __m256 min_f = _mm256_set1_ps(c->min_f), max_f = _mm256_set1_ps(c->max_f);
  const __m256i zero_point = _mm256_set1_epi32(d->output_zero_point), ones16 = _mm256_set1_epi16(1);
  const int32_t count = windows->count, is_signed = d->output_is_signed, wq = c->wq, out_width = d->out_width;
  const hiyari_qconv_compaction *compaction = c->compaction;
  const int32_t compaction_base = c->compaction_base;
  // The output index of the first output at or after virtual pixel n_end: nothing at or past it
  // belongs to this call.
  const int32_t end_row = n_end / wq, end_column = n_end - end_row * wq;
  const int32_t end_destination = end_row * out_width + (end_column < out_width ? end_column : out_width);
  __m256i control[DW_MAX_WINDOWS];
  for (int32_t k = 0; k < count; k++) control[k] = _mm256_loadu_si256((const __m256i *)windows->control[k]);
  for (int32_t ch = c_begin; ch < c_end; ch++) {
    const uint8_t *plane = buffer + (size_t)ch * c->unit_stride;
    const int32_t *w = c->dw_weights + (size_t)ch * c->taps;
    __m256i weights[DW_MAX_WINDOWS];
    for (int32_t k = 0; k < count; k++) {
      uint32_t word = 0;
      for (int j = 0; j < 4; j++) {
        int32_t t = windows->tap[k][j];
        word |= (uint32_t)(t < 0 ? 0 : (uint8_t)(int8_t)(int16_t)w[t]) << (8 * j);
      }
      weights[k] = _mm256_set1_epi32((int32_t)word);
    }
    const __m256i bias = _mm256_set1_epi32(c->bias[ch]);
    const __m256 multiplier = _mm256_set1_ps(c->multiplier[ch]);
    uint8_t *out = y + (size_t)ch * out_plane;
    // Blocks of 32 virtual pixels run on across rows (junk columns are computed, not stored),
    // so narrow rows keep whole vectors busy.
    int32_t row = n_begin / wq, column = n_begin - row * wq;
    for (int32_t n = n_begin; n < n_end; n += 32) {
      __m256i ordered[4];
      depthwise_dot32(plane + (size_t)n * step, step, count, windows->offset, control, weights, bias, ones16,
                      ordered);
      for (int v = 0; v < 4; v++)
        ordered[v] = requantize8(ordered[v], _mm256_setzero_si256(), multiplier, min_f, max_f, zero_point);
      const __m256i bytes32 = pack32(ordered[0], ordered[1], ordered[2], ordered[3], is_signed);
      int32_t destination = row * out_width + (column < out_width ? column : out_width);
      if (n + 32 <= n_end && destination + 32 <= end_destination) {
        // Whole vectors: each half of 16 goes out in one store, its junk columns squeezed out by
        // a shuffle where it reaches past a row's end; the bytes a half writes past its real
        // outputs belong to later outputs of this call, which are written afterwards.
        for (int h = 0; h < 2; h++) {
          const __m128i half = h ? _mm256_extracti128_si256(bytes32, 1) : _mm256_castsi256_si128(bytes32);
          if (column + 16 <= out_width) {
            _mm_storeu_si128((__m128i *)(out + destination), half);
            destination += 16;
            column += 16;
            if (column == wq) {
              row++;
              column = 0;
            }
          } else {
            const hiyari_qconv_compaction *e = &compaction[column - compaction_base];
            _mm_storeu_si128((__m128i *)(out + destination),
                             _mm_shuffle_epi8(half, _mm_loadu_si128((const __m128i *)e->control)));
            destination += e->count;
            column = e->next_column;
            row += e->rows;
          }
        }
        continue;
      }
      // The last block of the call: exact bytes.
      uint8_t bytes[32];
      _mm256_storeu_si256((__m256i *)bytes, bytes32);
      const int32_t block_end = n + 32 < n_end ? n + 32 : n_end;
      for (int32_t i = n; i < block_end;) {
        if (column >= out_width) {  // junk columns up to the row's end
          int32_t skip = wq - column < block_end - i ? wq - column : block_end - i;
          i += skip;
          column += skip;
        } else {
          int32_t length = out_width - column < block_end - i ? out_width - column : block_end - i;
          memcpy(out + row * out_width + column, bytes + (i - n), (size_t)length);
          i += length;
          column += length;
        }
        if (column == wq) {
          row++;
          column = 0;
        }
      }
    }
  }
}

T2 void hiyari_qconv_depthwise_avx2_u8s7(const struct hiyari_qconv *c, const uint8_t *buffer, uint8_t *y,
                                         int32_t c_begin, int32_t c_end, int32_t n_begin, int32_t n_end) {
  depthwise_windows windows;
  if (!depthwise_group_taps(c, &windows)) {  // never with row phases (see hiyari_qconv_create)
    hiyari_qconv_depthwise_avx2(c, buffer, y, c_begin, c_end, n_begin, n_end);
    return;
  }
  if (c->pixel_step == 2)
    depthwise_u8s7(c, &windows, 2, buffer, y, c_begin, c_end, n_begin, n_end);
  else
    depthwise_u8s7(c, &windows, 1, buffer, y, c_begin, c_end, n_begin, n_end);
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
/// Every product pair must be distinct work: vpmaddubsw does not read its accumulator, so products
/// of the same operands would be computed once and shared (an earlier version of this kernel let the
/// compiler do that and reported three times the real peak). Three activation and two weight
/// registers, all opaque to the compiler each round, give six different products per round.
T2 uint64_t hiyari_int8_peak_avx2_u8s7(int64_t iterations) {
  enum { ACCUMULATORS = 6 };
  __m256i acc[ACCUMULATORS];
  for (int i = 0; i < ACCUMULATORS; i++) acc[i] = _mm256_set1_epi32(i);
  __m256i x0 = _mm256_set1_epi8(3), x1 = _mm256_set1_epi8(5), x2 = _mm256_set1_epi8(9);
  __m256i w0 = _mm256_set1_epi8(-5), w1 = _mm256_set1_epi8(7);
  const __m256i ones16 = _mm256_set1_epi16(1);
  for (int64_t n = 0; n < iterations; n++) {
    __asm__ volatile("" : "+x"(x0), "+x"(x1), "+x"(x2), "+x"(w0), "+x"(w1));
    acc[0] = DOT_U8S7(acc[0], x0, w0);
    acc[1] = DOT_U8S7(acc[1], x1, w0);
    acc[2] = DOT_U8S7(acc[2], x2, w0);
    acc[3] = DOT_U8S7(acc[3], x0, w1);
    acc[4] = DOT_U8S7(acc[4], x1, w1);
    acc[5] = DOT_U8S7(acc[5], x2, w1);
  }
  __m256i sum = acc[0];
  for (int i = 1; i < ACCUMULATORS; i++) sum = _mm256_add_epi32(sum, acc[i]);
  volatile int32_t sink = _mm256_extract_epi32(sum, 0);
  (void)sink;
  return (uint64_t)iterations * ACCUMULATORS * 32;
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
