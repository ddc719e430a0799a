// Int8 convolution (ONNX QLinearConv) kernels: uint8 activations x int8 weights -> int32
// accumulators, with a fused epilogue that adds the bias, corrects for the input zero point and
// requantizes to uint8 or int8 exactly as ONNX Runtime does:
//
//   acc  = sum_k x[k] * w[c][k]                      (x as uint8 bytes, w as int8; exact int32)
//        + bias[c] - za * sum_k w[c][k]              (zero-point correction, fused at create)
//   f    = (float)acc * multiplier[c]                (multiplier = x_scale * w_scale[c] / y_scale)
//   f    = min(max(f, lo - zo), hi - zo)             (float clamp: the fused ReLU/Clip and the type)
//   y    = (int32)round_half_even(f) + zo
//
// Every path (scalar reference, AVX-512 VNNI, AVX-VNNI, AVX2, NEON dot-product, NEON) computes exactly
// these operations, so all agree bit for bit; the scalar path is the definition of correct.
//
// How a convolution runs (NCHW in, NCHW out, one image at a time):
//   1. hiyari_qconv_create packs the weights once for the path chosen from the CPU features.
//   2. Per image, hiyari_qconv_pack_input rewrites the input into the caller's buffer: padded
//      with the input zero point, split into stride phases (so every tap of a strided or dilated
//      convolution reads contiguous memory), with 4 consecutive input channels interleaved per
//      pixel ("NCHW4c", the operand layout of vpdpbusd/sdot). Work is split into units.
//   3. hiyari_qconv_compute produces output channels [channel_begin, channel_end) of output
//      "virtual pixels" [pixel_begin, pixel_end): an implicit GEMM over (tap, channel quad),
//      no im2col. Virtual pixel p is output row p / info.row_pitch, column p % info.row_pitch;
//      columns >= out_width are padding that is computed but never stored. Depthwise
//      convolutions (groups == in == out channels) use a direct kernel instead of the GEMM.
// Different units / tiles may run on different threads at the same time; compute must start
// after every unit of the same image has been packed (for depthwise kinds, unit c is channel c
// and is all that computing channel c reads, so a thread may pack and compute its own channels).
#ifndef HIYARI_QCONV_H
#define HIYARI_QCONV_H

#include <stddef.h>
#include <stdint.h>

/// Kernel paths (hiyari_qconv_info.path).
enum {
  HIYARI_QCONV_SCALAR = 0,
  HIYARI_QCONV_AVX2 = 1,
  HIYARI_QCONV_AVXVNNI = 2,
  HIYARI_QCONV_AVX512VNNI = 3,
  HIYARI_QCONV_NEONDOT = 4,
  /// AVX2 with vpmaddubsw, chosen when every weight is within -64...64 (7-bit weights, as ONNX
  /// Runtime's quantizer writes with reduce_range): u8 x s8 pair sums then stay below 2^15, so the
  /// saturating instruction is exact, at well over twice the rate of the int16 path here.
  HIYARI_QCONV_AVX2_U8S7 = 5,
  /// Plain ARMv8.0 NEON (Cortex-A72 in the Raspberry Pi 4, Cortex-A53: no dot-product extension),
  /// chosen on aarch64 without it: activations widened to int16 and multiplied by int16 weights
  /// into int32 with vmlal (smlal); every product (at most 255 * 128 in magnitude) and sum is exact.
  HIYARI_QCONV_NEON = 6,
};

/// Kinds of convolution (hiyari_qconv_info.kind).
enum { HIYARI_QCONV_GEMM = 0, HIYARI_QCONV_DEPTHWISE = 1 };

/// One 2-D convolution of one NCHW image.
typedef struct hiyari_qconv_desc {
  int32_t in_channels, in_height, in_width;
  int32_t out_channels, out_height, out_width;
  int32_t groups;
  int32_t kernel_height, kernel_width;
  int32_t stride_height, stride_width;
  int32_t dilation_height, dilation_width;
  /// Leading padding; trailing padding follows from the output size.
  int32_t pad_top, pad_left;
  /// Input zero point in the uint8 domain (for int8 inputs: zero point + 128).
  int32_t input_zero_point;
  /// Nonzero when the input bytes are int8: they are shifted by +128 into uint8 while packing.
  int32_t input_is_signed;
  /// Output zero point and type (nonzero: int8, else uint8).
  int32_t output_zero_point;
  int32_t output_is_signed;
  /// Clamp of the output in the quantized domain (the type's range, tightened by a fused ReLU or
  /// Clip), zero point included: output_min <= y <= output_max.
  int32_t output_min, output_max;
} hiyari_qconv_desc;

typedef struct hiyari_qconv hiyari_qconv;

/// What a created convolution needs and how to split its work.
typedef struct hiyari_qconv_info {
  int32_t kind, path;
  /// Bytes of the packed-input buffer (the caller allocates it; zero it once).
  size_t buffer_bytes;
  /// hiyari_qconv_pack_input work units: [0, pack_units).
  int32_t pack_units;
  /// Output channels per GEMM tile: channel ranges should start at multiples of it.
  int32_t channel_block;
  /// Output channels per group (compute ranges never cross a group boundary for GEMM kinds).
  int32_t group_channels;
  /// Virtual pixels per GEMM tile: pixel ranges should start at multiples of it.
  int32_t pixel_block;
  /// Virtual pixels: out_height * row_pitch.
  int32_t virtual_pixels;
  int32_t row_pitch;
} hiyari_qconv_info;

/// Packs the weights and fuses the epilogue. weights: [out][in / groups][kh][kw] int8 with the
/// weight zero point already subtracted; bias: [out] int32 or NULL; multipliers: [out].
/// features: the CPU features to dispatch on (pass hiyari_cpu_features(); tests pass a subset to
/// force a path). Returns NULL on an invalid description or when out of memory.
hiyari_qconv *hiyari_qconv_create(
  const hiyari_qconv_desc *desc, const int8_t *weights, const int32_t *bias, const float *multipliers,
  uint32_t features);

void hiyari_qconv_destroy(hiyari_qconv *conv);

void hiyari_qconv_get_info(const hiyari_qconv *conv, hiyari_qconv_info *info);

/// Packs units [unit_begin, unit_end) of one image x ([in][h][w] bytes) into buffer.
void hiyari_qconv_pack_input(
  const hiyari_qconv *conv, const uint8_t *x, uint8_t *buffer, int32_t unit_begin, int32_t unit_end);

/// Computes output channels [channel_begin, channel_end) (absolute; for GEMM kinds within one
/// group) at virtual pixels [pixel_begin, pixel_end) into y ([out][out_h][out_w] bytes).
void hiyari_qconv_compute(
  const hiyari_qconv *conv, const uint8_t *buffer, uint8_t *y, int32_t channel_begin, int32_t channel_end,
  int32_t pixel_begin, int32_t pixel_end);

/// Benchmark support: runs `iterations` rounds of independent int8 multiply-accumulate
/// instructions on registers, the ones each path's GEMM is built from (AVX-512: vpdpbusd zmm, 64
/// MACs; AVX-VNNI: vpdpbusd ymm, 32; AVX2: vpmaddwd + vpaddd on int16, 16; AVX2 u8s7: vpmaddubsw +
/// vpmaddwd + vpaddd, 32; NEON dot-product: sdot, 16; NEON: smlal by element, 4), and
/// returns the multiply-accumulates done (0 if the path is not available here). Time it for the
/// machine's peak in the same run as the convolution being measured.
uint64_t hiyari_int8_peak(int32_t path, int64_t iterations);

#endif
