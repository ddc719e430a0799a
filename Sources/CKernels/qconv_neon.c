// AArch64 int8 convolution: two GEMM paths and one depthwise kernel.
//
// NEON dot-product (Cortex-A76/A78 and later): sdot multiplies int8 by int8 (there is no u8 x s8
// form before the i8mm extension), so this path packs activations flipped to int8 (x ^ 0x80 ==
// x - 128, done by hiyari_qconv_pack_input) and create folds the difference into the bias:
// sum(x * w) = sum((x - 128) * w) + 128 * sum(w). Products of int8 by int8 summed four at a time
// into int32 are exact, as on x86.
//
// Plain NEON (ARMv8.0: Cortex-A72 in the Raspberry Pi 4, Cortex-A53): no dot product, so, like
// the exact AVX2 path, activations are widened to int16 (0...255, unflipped) and multiplied by
// weights packed as int16 with smlal/smlal2 by element into int32: each product is at most
// 255 * 128 in magnitude, so products and sums are exact (wrapping like the scalar reference).
//
// GEMM tiles: 8 output channels x 8 virtual pixels = 16 int32x4 accumulators on both paths.
// Dot product: per k step it loads two activation vectors (4 pixels x 4 channels each) and the
// 32 weight bytes (8 channels x 4), and issues 16 sdot-by-lane (vdotq_laneq_s32: lane l of the
// weights = output channel l). Plain NEON: per k step vld4 splits the 8 pixels' channel quads
// into 4 vectors of one input channel each (widened to int16), a second vld4 splits the 8 x 4
// int16 weights into 4 vectors of 8 output channels, and 64 smlal by element (lane m = output
// channel m) do the 256 MACs; 16 accumulators + 4 weight + 4 activation vectors = 24 of the 32
// registers, and by-element smlal on 16-bit lanes can only name v0-v15, which the 4 weight
// vectors fit in.
// Depthwise (both paths): int16 multiply-accumulate (vmlal) into int32, 16 pixels at a time.
#include "qconv_internal.h"

#if defined(__aarch64__)
#include <arm_neon.h>

#if defined(__clang__)
#define TDOT __attribute__((target("dotprod")))
#else
#define TDOT __attribute__((target("arch=armv8.2-a+dotprod")))
#endif
#define INLINE static inline __attribute__((always_inline))

enum { MR = 8 };

INLINE int32x4_t requantize4(int32x4_t acc, int32_t bias, float multiplier, float32x4_t min_f, float32x4_t max_f,
                             int32x4_t zero_point) {
  float32x4_t f = vcvtq_f32_s32(vaddq_s32(acc, vdupq_n_s32(bias)));
  f = vmulq_f32(f, vdupq_n_f32(multiplier));
  f = vminq_f32(vmaxq_f32(f, min_f), max_f);
  return vaddq_s32(vcvtnq_s32_f32(f), zero_point);  // FCVTNS: round to nearest, ties to even
}

/// Stores the lanes `mask` of eight clamped values (lo: lanes 0-3, hi: lanes 4-7) consecutively.
INLINE void store8(uint8_t *out, int32x4_t lo, int32x4_t hi, uint32_t mask, int is_signed) {
  if (mask == 0xFF) {
    int16x8_t words = vcombine_s16(vmovn_s32(lo), vmovn_s32(hi));
    if (is_signed) vst1_s8((int8_t *)out, vqmovn_s16(words));
    else vst1_u8(out, vqmovun_s16(words));
  } else if (mask) {
    int32_t values[8];
    vst1q_s32(values, lo);
    vst1q_s32(values + 4, hi);
    hiyari_qconv_store_lanes(out, values, mask, 8, 0);
  }
}

/// The GEMM driver both paths share: per 8 virtual pixels and block of MR output channels, zeroes
/// acc[MR][2] (channel m: pixels 0-3, 4-7), runs K_STEP(ap, wp) once per (tap, channel quad) with
/// ap at the 8 pixels' quads and wp at the block's packed weights for that step (MR * 4 elements
/// of ELEMENT bytes), then requantizes and stores the channels inside [m_begin, m_end).
#define GEMM_BODY(K_STEP, ELEMENT)                                                                               \
  const uint8_t *group_input = buffer + (size_t)g * c->units_per_group * c->unit_stride;                         \
  const uint8_t *group_weights = (const uint8_t *)c->weights + (size_t)g * c->blocks_per_group * c->block_bytes; \
  const size_t out_plane = (size_t)c->d.out_height * c->d.out_width;                                             \
  const float32x4_t min_f = vdupq_n_f32(c->min_f), max_f = vdupq_n_f32(c->max_f);                                \
  const int32x4_t zero_point = vdupq_n_s32(c->d.output_zero_point);                                              \
  const int32_t taps = c->taps, units = c->units_per_group;                                                      \
  const size_t unit_stride = c->unit_stride;                                                                     \
  for (int32_t n0 = n_begin; n0 < n_end; n0 += 8) {                                                              \
    int32_t destination;                                                                                         \
    uint32_t mask = hiyari_qconv_lanes(c, n0, 8, n_end, &destination);                                           \
    if (!mask) continue;                                                                                         \
    const uint8_t *a = group_input + (size_t)n0 * 4;                                                             \
    for (int32_t b = m_begin / MR; b * MR < m_end; b++) {                                                        \
      int32_t lo = b * MR < m_begin ? m_begin : b * MR;                                                          \
      int32_t hi = b * MR + MR < m_end ? b * MR + MR : m_end;                                                    \
      const uint8_t *wp = group_weights + (size_t)b * c->block_bytes;                                            \
      int32x4_t acc[MR][2];                                                                                      \
      for (int m = 0; m < MR; m++) acc[m][0] = acc[m][1] = vdupq_n_s32(0);                                       \
      for (int32_t t = 0; t < taps; t++) {                                                                       \
        const uint8_t *ap = a + c->tap_offset[t];                                                                \
        for (int32_t q = 0; q < units; q++) {                                                                    \
          K_STEP(ap, wp);                                                                                        \
          ap += unit_stride;                                                                                     \
          wp += MR * 4 * (ELEMENT);                                                                              \
        }                                                                                                        \
      }                                                                                                          \
      for (int32_t m = lo - b * MR; m < hi - b * MR; m++) {                                                      \
        int32_t co = g * c->out_group + b * MR + m;                                                              \
        store8(y + (size_t)co * out_plane + destination,                                                         \
               requantize4(acc[m][0], c->bias[co], c->multiplier[co], min_f, max_f, zero_point),                 \
               requantize4(acc[m][1], c->bias[co], c->multiplier[co], min_f, max_f, zero_point), mask,           \
               c->d.output_is_signed);                                                                           \
      }                                                                                                          \
    }                                                                                                            \
  }

// ---- NEON dot-product -----------------------------------------------------------------------------

#define DOT4(W, BASE)                                               \
  do {                                                              \
    acc[BASE + 0][0] = vdotq_laneq_s32(acc[BASE + 0][0], x0, W, 0); \
    acc[BASE + 0][1] = vdotq_laneq_s32(acc[BASE + 0][1], x1, W, 0); \
    acc[BASE + 1][0] = vdotq_laneq_s32(acc[BASE + 1][0], x0, W, 1); \
    acc[BASE + 1][1] = vdotq_laneq_s32(acc[BASE + 1][1], x1, W, 1); \
    acc[BASE + 2][0] = vdotq_laneq_s32(acc[BASE + 2][0], x0, W, 2); \
    acc[BASE + 2][1] = vdotq_laneq_s32(acc[BASE + 2][1], x1, W, 2); \
    acc[BASE + 3][0] = vdotq_laneq_s32(acc[BASE + 3][0], x0, W, 3); \
    acc[BASE + 3][1] = vdotq_laneq_s32(acc[BASE + 3][1], x1, W, 3); \
  } while (0)

/// One k step: 4 channels (flipped to int8) of 8 pixels against 8 output channels' int8 quads.
#define DOT_STEP(AP, WP)                                                        \
  do {                                                                          \
    int8x16_t x0 = vreinterpretq_s8_u8(vld1q_u8(AP));        /* pixels 0-3 */   \
    int8x16_t x1 = vreinterpretq_s8_u8(vld1q_u8((AP) + 16)); /* pixels 4-7 */   \
    int8x16_t w0 = vld1q_s8((const int8_t *)(WP));           /* channels 0-3 */ \
    int8x16_t w1 = vld1q_s8((const int8_t *)(WP) + 16);      /* channels 4-7 */ \
    DOT4(w0, 0);                                                                \
    DOT4(w1, 4);                                                                \
  } while (0)

TDOT void hiyari_qconv_gemm_neondot(const struct hiyari_qconv *c, const uint8_t *buffer, uint8_t *y, int32_t g,
                                    int32_t m_begin, int32_t m_end, int32_t n_begin, int32_t n_end) {
  GEMM_BODY(DOT_STEP, 1)
}

// ---- Plain NEON (ARMv8.0) ---------------------------------------------------------------------------

/// acc[m][0..1] += X (one input channel of 8 pixels, int16) * lane m of W (that channel's
/// weights for output channels 0-7), m = 0..7. Lanes must be constants, hence the unrolling.
#define MLAL_LANE(X, W, M)                                         \
  do {                                                             \
    acc[M][0] = vmlal_laneq_s16(acc[M][0], vget_low_s16(X), W, M); \
    acc[M][1] = vmlal_high_laneq_s16(acc[M][1], X, W, M);          \
  } while (0)
#define MLAL8(X, W)     \
  do {                  \
    MLAL_LANE(X, W, 0); \
    MLAL_LANE(X, W, 1); \
    MLAL_LANE(X, W, 2); \
    MLAL_LANE(X, W, 3); \
    MLAL_LANE(X, W, 4); \
    MLAL_LANE(X, W, 5); \
    MLAL_LANE(X, W, 6); \
    MLAL_LANE(X, W, 7); \
  } while (0)

/// One k step: x.val[j] is input channel j of pixels 0-7 and wq.val[j] its int16 weights for
/// output channels 0-7 (vld4 de-interleaves the [pixel][4] and [mr][4] layouts).
#define MLAL_STEP(AP, WP)                                                         \
  do {                                                                            \
    uint8x8x4_t x = vld4_u8(AP);                                                  \
    int16x8x4_t wq = vld4q_s16((const int16_t *)(WP));                            \
    int16x8_t x0 = vreinterpretq_s16_u16(vmovl_u8(x.val[0])); /* 0..255: exact */ \
    int16x8_t x1 = vreinterpretq_s16_u16(vmovl_u8(x.val[1]));                     \
    int16x8_t x2 = vreinterpretq_s16_u16(vmovl_u8(x.val[2]));                     \
    int16x8_t x3 = vreinterpretq_s16_u16(vmovl_u8(x.val[3]));                     \
    MLAL8(x0, wq.val[0]);                                                         \
    MLAL8(x1, wq.val[1]);                                                         \
    MLAL8(x2, wq.val[2]);                                                         \
    MLAL8(x3, wq.val[3]);                                                         \
  } while (0)

void hiyari_qconv_gemm_neon(const struct hiyari_qconv *c, const uint8_t *buffer, uint8_t *y, int32_t g,
                            int32_t m_begin, int32_t m_end, int32_t n_begin, int32_t n_end) {
  GEMM_BODY(MLAL_STEP, 2)
}

// ---- Depthwise (both paths) -------------------------------------------------------------------------

void hiyari_qconv_depthwise_neon(const struct hiyari_qconv *c, const uint8_t *buffer, uint8_t *y, int32_t c_begin,
                                 int32_t c_end, int32_t n_begin, int32_t n_end) {
  const hiyari_qconv_desc *d = &c->d;
  const size_t out_plane = (size_t)d->out_height * d->out_width;
  const float32x4_t min_f = vdupq_n_f32(c->min_f), max_f = vdupq_n_f32(c->max_f);
  const int32x4_t zero_point = vdupq_n_s32(d->output_zero_point);
  const int32_t taps = c->taps;
  for (int32_t ch = c_begin; ch < c_end; ch++) {
    const uint8_t *plane = buffer + (size_t)ch * c->unit_stride;
    const int32_t *w = c->dw_weights + (size_t)ch * taps;
    uint8_t *out = y + (size_t)ch * out_plane;
    for (int32_t row = n_begin / c->wq; row < d->out_height && row * c->wq < n_end; row++) {
      int32_t lo = n_begin - row * c->wq, hi = n_end - row * c->wq;
      if (lo < 0) lo = 0;
      if (hi > d->out_width) hi = d->out_width;
      const uint8_t *in_row = plane + (size_t)row * c->wq;
      for (int32_t ow = lo; ow < hi; ow += 16) {
        int32x4_t acc[4] = {vdupq_n_s32(0), vdupq_n_s32(0), vdupq_n_s32(0), vdupq_n_s32(0)};
        const uint8_t *p = in_row + ow;
        for (int32_t t = 0; t < taps; t++) {
          int16_t wt = (int16_t)w[t];
          uint8x16_t bytes = vld1q_u8(p + c->tap_offset[t]);
          int16x8_t x0 = vreinterpretq_s16_u16(vmovl_u8(vget_low_u8(bytes)));  // 0..255: exact in int16
          int16x8_t x1 = vreinterpretq_s16_u16(vmovl_high_u8(bytes));
          acc[0] = vmlal_n_s16(acc[0], vget_low_s16(x0), wt);
          acc[1] = vmlal_high_n_s16(acc[1], x0, wt);
          acc[2] = vmlal_n_s16(acc[2], vget_low_s16(x1), wt);
          acc[3] = vmlal_high_n_s16(acc[3], x1, wt);
        }
        for (int v = 0; v < 2; v++) {
          int32_t start = ow + 8 * v;
          if (start >= hi) break;
          int32_t n = hi - start < 8 ? hi - start : 8;
          store8(out + (size_t)row * d->out_width + start,
                 requantize4(acc[2 * v], c->bias[ch], c->multiplier[ch], min_f, max_f, zero_point),
                 requantize4(acc[2 * v + 1], c->bias[ch], c->multiplier[ch], min_f, max_f, zero_point),
                 (1u << n) - 1, d->output_is_signed);
        }
      }
    }
  }
}

TDOT uint64_t hiyari_int8_peak_neondot(int64_t iterations) {
  int32x4_t acc[24];
  for (int i = 0; i < 24; i++) acc[i] = vdupq_n_s32(i);
  int8x16_t a = vdupq_n_s8(3), b = vdupq_n_s8(-5);
  for (int64_t n = 0; n < iterations; n++) {
    for (int i = 0; i < 24; i++) acc[i] = vdotq_s32(acc[i], a, b);
    __asm__ volatile("" : "+w"(a));
  }
  int32x4_t sum = acc[0];
  for (int i = 1; i < 24; i++) sum = vaddq_s32(sum, acc[i]);
  volatile int32_t sink = vaddvq_s32(sum);
  (void)sink;
  return (uint64_t)iterations * 24 * 16;
}
/// The plain NEON path's instruction, smlal/smlal2 by element (int16 x int16 into int32): 4 MACs
/// each; 16 independent accumulators, as in the GEMM tile.
uint64_t hiyari_int8_peak_neon(int64_t iterations) {
  int32x4_t acc[MR][2];
  for (int m = 0; m < MR; m++) acc[m][0] = acc[m][1] = vdupq_n_s32(m);
  int16x8_t x = vdupq_n_s16(3);
  const int16_t weights[8] = {-5, 2, 9, -1, 4, -7, 6, 1};
  int16x8_t w = vld1q_s16(weights);
  __asm__ volatile("" : "+w"(w));  // unknown weights: no multiply by 1 turned into an add
  for (int64_t n = 0; n < iterations; n++) {
    __asm__ volatile("" : "+w"(x));
    MLAL8(x, w);
  }
  int32x4_t sum = vdupq_n_s32(0);
  for (int m = 0; m < MR; m++) sum = vaddq_s32(sum, vaddq_s32(acc[m][0], acc[m][1]));
  volatile int32_t sink = vaddvq_s32(sum);
  (void)sink;
  return (uint64_t)iterations * MR * 2 * 4;
}
#endif
