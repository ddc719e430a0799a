// Preprocessing kernels: bilinear resampling of 8-bit image channels straight to a model's input
// size, fused with YUV -> RGB conversion, normalization and quantization.
//
// The caller (Capture's Preprocessor) precomputes where every output pixel samples the source, so
// the kernels know nothing about pixel formats, crops or letterboxing: each of the three channels
// is an 8-bit sample grid (planar, semi-planar or packed) described by a base pointer, a row pitch
// and per-column byte offsets.
//
// The math, identical in every variant (scalar, AVX2, NEON) down to the bit:
//   top    = row0[offset0] * (ONE - wx) + row0[offset1] * wx        (integers)
//   bottom = row1[offset0] * (ONE - wx) + row1[offset1] * wx
//   sample = (float)(top * (ONE - wy) + bottom * wy) * 2^-22          (ONE = 2048)
//   YUV:   y = (Y - luma_offset) * luma_scale; u = U - 128; v = V - 128
//          R = y + red_from_v * v;  G = (y - green_from_u * u) - green_from_v * v;  B = y + blue_from_u * u
//   out_c  = clamp(c, 0, 255) * output_scale[c] + output_bias[c]      (no fused multiply-add)
//   integer outputs: clamp to the type's range, then round half to even.
#ifndef HIYARI_PREPROCESS_H
#define HIYARI_PREPROCESS_H

#include <stddef.h>
#include <stdint.h>

/// Resampling weights are fixed point with this many fractional bits.
enum { HIYARI_PP_WEIGHT_BITS = 11, HIYARI_PP_WEIGHT_ONE = 1 << 11 };

/// Output element types.
enum { HIYARI_PP_FLOAT32 = 0, HIYARI_PP_UINT8 = 1, HIYARI_PP_INT8 = 2 };

/// Where one channel's samples are and where each output pixel takes them from.
typedef struct hiyari_pp_channel {
  /// The channel's first sample in row 0 (plane start plus the channel's byte offset in a pixel).
  const uint8_t *base;
  /// Bytes from one row of samples to the next.
  ptrdiff_t row_pitch;
  /// Per output column: byte offsets (from a row's first sample) of the left and right taps.
  const int32_t *column_offset0;
  const int32_t *column_offset1;
  /// Per output column: (ONE - wx) | wx << 16, the two horizontal weights as 16-bit halves.
  const int32_t *column_weights;
  /// Per output row: the upper and lower source rows and the lower one's weight wy.
  const int32_t *row_index0;
  const int32_t *row_index1;
  const int32_t *row_weight;
  /// Nonzero when column_offset1 - column_offset0 <= 3 on every column, so one 4-byte load
  /// holds both horizontal taps.
  int32_t taps_within_4_bytes;
  /// Optional (NULL to always gather), from hiyari_preprocess_plan_windows: per block of 8 output
  /// columns, the byte offsets of two 16-byte windows holding the taps of columns 0-3 and 4-7
  /// (-1 when they do not fit), and 32 shuffle indices that pick each column's taps out of them.
  /// Gathers are the slowest part of the AVX2 variant; a shuffle of a window replaces them.
  const int32_t *window_start;
  const uint8_t *window_shuffle;
} hiyari_pp_channel;

/// One image's worth of work: the content rectangle of a model input (letterbox bars excluded).
typedef struct hiyari_pp_job {
  /// R, G, B samples, or Y, U, V when source_is_yuv.
  hiyari_pp_channel channel[3];
  /// Output pixels to produce.
  int32_t width;
  int32_t height;
  /// Columns [0, vector_columns) are safe for SIMD loads (the caller guarantees it): in every
  /// channel, each column's block of 8 has a window, or 4 bytes can be loaded at each of its tap
  /// offsets without leaving the row's valid samples. SIMD variants do the rest one by one.
  int32_t vector_columns;
  int32_t source_is_yuv;
  float luma_offset;
  float luma_scale;
  float red_from_v;
  float green_from_u;
  float green_from_v;
  float blue_from_u;
  /// Per R, G, B: out = clamp(value, 0, 255) * output_scale + output_bias.
  float output_scale[3];
  float output_bias[3];
  /// HIYARI_PP_FLOAT32, HIYARI_PP_UINT8 or HIYARI_PP_INT8.
  int32_t output_type;
  /// Per R, G, B: the element of the content's top-left pixel (channel order is the caller's).
  void *output[3];
  /// Elements from one pixel of a channel to the next: 1 for planar (NCHW), 3 for NHWC.
  ptrdiff_t output_pixel_stride;
  /// Elements from one row of a channel to the next.
  ptrdiff_t output_row_stride;
} hiyari_pp_job;

/// Runs `job` with the best variant `features` (from hiyari_cpu_features()) allows.
void hiyari_preprocess(const hiyari_pp_job *job, uint32_t features);

/// The variant hiyari_preprocess would run for `features`: "avx2", "neon" or "scalar".
const char *hiyari_preprocess_kernel_name(uint32_t features);

/// Plans the windows of hiyari_pp_channel for blocks [0, columns / 8): fills window_start (2 per
/// block) and window_shuffle (32 per block). A row holds `valid_bytes` bytes from its first
/// sample; windows never reach past them. Returns the number of blocks that got windows.
int32_t hiyari_preprocess_plan_windows(const int32_t *column_offset0, const int32_t *column_offset1,
                                       int32_t columns, int32_t valid_bytes,
                                       int32_t *window_start, uint8_t *window_shuffle);

/// Fills a width x height rectangle of one channel with a constant (letterbox bars). `value` is
/// already encoded: a float, or an integer held in a float for the 8-bit types.
void hiyari_preprocess_fill(void *output, int32_t output_type, ptrdiff_t output_pixel_stride,
                            ptrdiff_t output_row_stride, int32_t width, int32_t height,
                            float value);

#endif
