// Element-wise int8 operators whose outputs must match ONNX Runtime's bit for bit.
#ifndef HIYARI_QELEMENTWISE_H
#define HIYARI_QELEMENTWISE_H

#include <stddef.h>
#include <stdint.h>

/// QLinearAdd of n elements, a and b of the same shape (bytes: uint8, or int8 when is_signed):
///
///   c = saturate(round_half_even((fixed + a * ratio_a) + b * ratio_b))
///
/// with ratio_a = a_scale / c_scale, ratio_b = b_scale / c_scale and
/// fixed = c_zero_point - (ratio_a * a_zero_point + ratio_b * b_zero_point), every step in float32
/// without fused multiply-adds: the arithmetic of ONNX Runtime's x86 QLinearAdd, so that a QDQ
/// Add fused here gives the outputs ONNX Runtime gives for the same model.
void hiyari_qlinear_add(
  const uint8_t *a, const uint8_t *b, uint8_t *c, size_t n, int is_signed, float ratio_a, float ratio_b,
  float fixed);

/// QuantizeLinear of n floats to bytes (uint8, or int8 when is_signed):
/// y = clamp(round_half_even(x / scale), low - zero_point, high - zero_point) + zero_point, with a
/// NaN mapping to the lowest code. Division, not a reciprocal multiply, as ONNX specifies.
void hiyari_quantize_linear(const float *x, uint8_t *y, size_t n, float scale, int32_t zero_point, int is_signed);

/// DequantizeLinear of n bytes (uint8, or int8 when is_signed): y = (float)(x - zero_point) * scale.
void hiyari_dequantize_linear(const uint8_t *x, float *y, size_t n, float scale, int32_t zero_point, int is_signed);

#endif
