// Shared between the int8 convolution paths (not part of the public API).
#ifndef HIYARI_QCONV_INTERNAL_H
#define HIYARI_QCONV_INTERNAL_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "include/qconv.h"

struct hiyari_qconv {
  hiyari_qconv_desc d;
  int32_t kind, path;
  /// Output channels per tile of the path (GEMM); 1 for depthwise.
  int32_t mr;
  /// Virtual pixels per tile of the path.
  int32_t nr;
  /// Input channels per packed unit: 4 (GEMM, one vpdpbusd quad) or 1 (depthwise).
  int32_t cw;
  int32_t in_group, out_group;
  /// Channel units per group: ceil(in_group / cw).
  int32_t units_per_group;
  /// Channel blocks of mr per group.
  int32_t blocks_per_group;
  /// Phase images: stride_h * stride_w of them, each hq x wq pixels of cw bytes; or, for the
  /// depthwise 7-bit kernel at horizontal stride 2, stride_h of them ("row phases"), whose rows
  /// hold every padded column and whose virtual pixels are pixel_step bytes apart.
  int32_t phases, hq, wq;
  /// Bytes from one virtual pixel to the next within a phase row (1 unless row phases).
  int32_t pixel_step;
  size_t phase_stride;  // bytes
  size_t unit_stride;   // bytes: phases * phase_stride
  size_t buffer_bytes;
  int32_t taps;
  /// Per tap (kh, kw): bytes from a unit's start to the element tap reads for virtual pixel 0.
  int32_t *tap_offset;
  /// Packed weights (layout per path, see qconv.c) and bytes per channel block.
  void *weights;
  size_t block_bytes;
  /// Depthwise weights [channel][tap] (int32).
  int32_t *dw_weights;
  /// Per output channel: bias - za * sum(w) (+ 128 * sum(w) on NEON dot-product, which flips
  /// activations to int8), and x_scale * w_scale / y_scale.
  int32_t *bias;
  float *multiplier;
  /// The float clamp: output_min - zo, output_max - zo.
  float min_f, max_f;
  /// Bytes written while packing: x ^ input_xor, and pad_byte for padding.
  uint8_t input_xor, pad_byte;
  /// Depthwise 7-bit stores (see hiyari_qconv_compaction): entries for start columns
  /// compaction_base ... wq - 1.
  struct hiyari_qconv_compaction *compaction;
  int32_t compaction_base;
};

/// Tap windows the depthwise 7-bit kernel holds (each up to four taps): with at most this many
/// taps its grouping cannot fail, which row phases rely on (hiyari_qconv_create).
enum { HIYARI_QCONV_DW_MAX_WINDOWS = 64 };

/// How the depthwise 7-bit kernel stores 16 consecutive virtual pixels that start at column
/// `column` of the virtual grid when they reach past the row's real outputs: a vpshufb by
/// `control` moves the real ones (count of them) to the front, in order, so one 16-byte store
/// writes them to consecutive output places; the next 16 start at next_column, `rows` rows on.
typedef struct hiyari_qconv_compaction {
  uint8_t control[16];
  int32_t count, next_column, rows;
} hiyari_qconv_compaction;

/// The epilogue for one accumulator; the definition every SIMD path reproduces.
static inline int32_t hiyari_qconv_requantize(int32_t acc, int32_t bias, float multiplier, float min_f,
                                              float max_f, int32_t zero_point) {
  int32_t sum = (int32_t)((uint32_t)acc + (uint32_t)bias);  // wraps like the SIMD adds
  float f = (float)sum * multiplier;
  f = f < min_f ? min_f : f;
  f = f > max_f ? max_f : f;
  return (int32_t)nearbyintf(f) + zero_point;  // round half to even (the default rounding mode)
}

/// Which lanes of a vector of `lanes` virtual pixels starting at `start` are stored (bit i for
/// pixel start + i: a real column, and below `end`), and where the first stored one goes in the
/// output plane (valid ones go to consecutive places). Returns the mask.
static inline uint32_t hiyari_qconv_lanes(const struct hiyari_qconv *c, int32_t start, int32_t lanes, int32_t end,
                                          int32_t *destination) {
  int32_t row = start / c->wq, column = start - row * c->wq;
  uint32_t mask = 0;
  *destination = -1;
  for (int32_t i = 0; i < lanes && start + i < end; i++) {
    if (column < c->d.out_width && row < c->d.out_height) {
      if (*destination < 0) *destination = row * c->d.out_width + column;
      mask |= 1u << i;
    }
    if (++column == c->wq) {
      column = 0;
      row++;
    }
  }
  return mask;
}

/// Stores the valid lanes of a vector of `lanes` requantized values (each already clamped).
static inline void hiyari_qconv_store_lanes(uint8_t *plane, const int32_t *values, uint32_t mask, int32_t lanes,
                                            int32_t destination) {
  uint8_t *out = plane + destination;
  for (int32_t i = 0; i < lanes; i++)
    if (mask >> i & 1) *out++ = (uint8_t)values[i];
}

// Path entry points: channels [m_begin, m_end) relative to group g; virtual pixels [n_begin, n_end).
void hiyari_qconv_gemm_scalar(const struct hiyari_qconv *c, const uint8_t *buffer, uint8_t *y, int32_t g,
                              int32_t m_begin, int32_t m_end, int32_t n_begin, int32_t n_end);
void hiyari_qconv_depthwise_scalar(const struct hiyari_qconv *c, const uint8_t *buffer, uint8_t *y,
                                   int32_t c_begin, int32_t c_end, int32_t n_begin, int32_t n_end);
#if defined(__x86_64__)
void hiyari_qconv_gemm_avx512(const struct hiyari_qconv *c, const uint8_t *buffer, uint8_t *y, int32_t g,
                              int32_t m_begin, int32_t m_end, int32_t n_begin, int32_t n_end);
void hiyari_qconv_depthwise_avx512(const struct hiyari_qconv *c, const uint8_t *buffer, uint8_t *y,
                                   int32_t c_begin, int32_t c_end, int32_t n_begin, int32_t n_end);
void hiyari_qconv_gemm_avxvnni(const struct hiyari_qconv *c, const uint8_t *buffer, uint8_t *y, int32_t g,
                               int32_t m_begin, int32_t m_end, int32_t n_begin, int32_t n_end);
void hiyari_qconv_depthwise_avx2_u8s7(const struct hiyari_qconv *c, const uint8_t *buffer, uint8_t *y,
                                      int32_t c_begin, int32_t c_end, int32_t n_begin, int32_t n_end);
void hiyari_qconv_gemm_avx2_u8s7(const struct hiyari_qconv *c, const uint8_t *buffer, uint8_t *y, int32_t g,
                                 int32_t m_begin, int32_t m_end, int32_t n_begin, int32_t n_end);
void hiyari_qconv_gemm_avx2(const struct hiyari_qconv *c, const uint8_t *buffer, uint8_t *y, int32_t g,
                            int32_t m_begin, int32_t m_end, int32_t n_begin, int32_t n_end);
void hiyari_qconv_depthwise_avx2(const struct hiyari_qconv *c, const uint8_t *buffer, uint8_t *y,
                                 int32_t c_begin, int32_t c_end, int32_t n_begin, int32_t n_end);
uint64_t hiyari_int8_peak_avx512(int64_t iterations);
uint64_t hiyari_int8_peak_avxvnni(int64_t iterations);
uint64_t hiyari_int8_peak_avx2(int64_t iterations);
uint64_t hiyari_int8_peak_avx2_u8s7(int64_t iterations);
#endif
#if defined(__aarch64__)
void hiyari_qconv_gemm_neondot(const struct hiyari_qconv *c, const uint8_t *buffer, uint8_t *y, int32_t g,
                               int32_t m_begin, int32_t m_end, int32_t n_begin, int32_t n_end);
void hiyari_qconv_gemm_neon(const struct hiyari_qconv *c, const uint8_t *buffer, uint8_t *y, int32_t g,
                            int32_t m_begin, int32_t m_end, int32_t n_begin, int32_t n_end);
void hiyari_qconv_depthwise_neon(const struct hiyari_qconv *c, const uint8_t *buffer, uint8_t *y,
                                 int32_t c_begin, int32_t c_end, int32_t n_begin, int32_t n_end);
uint64_t hiyari_int8_peak_neondot(int64_t iterations);
uint64_t hiyari_int8_peak_neon(int64_t iterations);
#endif

#endif
