// Preprocessing kernels (see include/preprocess.h for the math every variant follows).
//
// Bit-exactness between variants rests on two things: the resampling is integer arithmetic, and
// the float stages perform the same IEEE operations in the same order. Contraction into fused
// multiply-adds would change roundings (aarch64 fuses by default), so it is off for this file.
#pragma STDC FP_CONTRACT OFF

#include "preprocess.h"

#include <math.h>

#include "cpu_features.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define HIYARI_PP_HAS_AVX2 1
#define HIYARI_AVX2 __attribute__((target("avx2,fma")))
#elif defined(__aarch64__)
#include <arm_neon.h>
#define HIYARI_PP_HAS_NEON 1
#endif

// The resampled value carries 2 * HIYARI_PP_WEIGHT_BITS fractional bits.
static const float sample_unit = 1.0f / (float)(1 << (2 * HIYARI_PP_WEIGHT_BITS));

// ---------------------------------------------------------------------------------------------
// Scalar reference.

static inline float sample_at(const hiyari_pp_channel *channel, const uint8_t *row0,
                              const uint8_t *row1, int32_t row_weight, int32_t x) {
  int32_t offset0 = channel->column_offset0[x];
  int32_t offset1 = channel->column_offset1[x];
  uint32_t weights = (uint32_t)channel->column_weights[x];
  int32_t left_weight = (int32_t)(weights & 0xffff);
  int32_t right_weight = (int32_t)(weights >> 16);
  int32_t top = row0[offset0] * left_weight + row0[offset1] * right_weight;
  int32_t bottom = row1[offset0] * left_weight + row1[offset1] * right_weight;
  int32_t value = top * (HIYARI_PP_WEIGHT_ONE - row_weight) + bottom * row_weight;
  return (float)value * sample_unit;
}

// The operand order mirrors max_ps/min_ps (second operand wins on equality), so signed zeros
// match the SIMD variants too.
static inline float clamp_float(float value, float low, float high) {
  value = value > low ? value : low;
  return value < high ? value : high;
}

static inline void store_scalar(const hiyari_pp_job *job, int channel, ptrdiff_t index,
                                float value) {
  float encoded = clamp_float(value, 0.0f, 255.0f) * job->output_scale[channel];
  encoded = encoded + job->output_bias[channel];
  switch (job->output_type) {
  case HIYARI_PP_FLOAT32:
    ((float *)job->output[channel])[index] = encoded;
    break;
  case HIYARI_PP_UINT8:
    ((uint8_t *)job->output[channel])[index] =
        (uint8_t)lrintf(clamp_float(encoded, 0.0f, 255.0f));
    break;
  default:
    ((int8_t *)job->output[channel])[index] =
        (int8_t)lrintf(clamp_float(encoded, -128.0f, 127.0f));
    break;
  }
}

// Columns [x_begin, x_end) of output row y.
static inline void scalar_columns(const hiyari_pp_job *job, int32_t y, int32_t x_begin,
                                  int32_t x_end) {
  const uint8_t *rows0[3], *rows1[3];
  int32_t row_weights[3];
  for (int c = 0; c < 3; c++) {
    const hiyari_pp_channel *channel = &job->channel[c];
    rows0[c] = channel->base + channel->row_index0[y] * channel->row_pitch;
    rows1[c] = channel->base + channel->row_index1[y] * channel->row_pitch;
    row_weights[c] = channel->row_weight[y];
  }
  for (int32_t x = x_begin; x < x_end; x++) {
    float first = sample_at(&job->channel[0], rows0[0], rows1[0], row_weights[0], x);
    float second = sample_at(&job->channel[1], rows0[1], rows1[1], row_weights[1], x);
    float third = sample_at(&job->channel[2], rows0[2], rows1[2], row_weights[2], x);
    float red = first, green = second, blue = third;
    if (job->source_is_yuv) {
      float luma = (first - job->luma_offset) * job->luma_scale;
      float u = second - 128.0f;
      float v = third - 128.0f;
      red = luma + job->red_from_v * v;
      green = (luma - job->green_from_u * u) - job->green_from_v * v;
      blue = luma + job->blue_from_u * u;
    }
    ptrdiff_t index = y * job->output_row_stride + x * job->output_pixel_stride;
    store_scalar(job, 0, index, red);
    store_scalar(job, 1, index, green);
    store_scalar(job, 2, index, blue);
  }
}

static void preprocess_scalar(const hiyari_pp_job *job) {
  // A private copy cannot alias the output, so its fields stay in registers across stores.
  const hiyari_pp_job local = *job;
  for (int32_t y = 0; y < local.height; y++) scalar_columns(&local, y, 0, local.width);
}

// ---------------------------------------------------------------------------------------------
// AVX2: 8 output pixels at a time; taps come from 32-bit gathers.

#if defined(HIYARI_PP_HAS_AVX2)

// One row's horizontally interpolated value for 8 columns starting at x (a multiple of 8).
HIYARI_AVX2 static inline __m256i horizontal_avx2(const hiyari_pp_channel *channel,
                                                   const uint8_t *row, int32_t x) {
  const __m256i low_byte = _mm256_set1_epi32(0xff);
  __m256i weights = _mm256_loadu_si256((const __m256i *)(channel->column_weights + x));
  if (channel->window_start) {
    const int32_t *start = channel->window_start + x / 4;
    if (start[0] >= 0) {
      __m256i window = _mm256_loadu2_m128i((const __m128i *)(row + start[1]),
                                           (const __m128i *)(row + start[0]));
      __m256i shuffle = _mm256_loadu_si256((const __m256i *)(channel->window_shuffle + 4 * x));
      // Puts each column's left tap in its lane's low half and the right tap in its high half.
      return _mm256_madd_epi16(_mm256_shuffle_epi8(window, shuffle), weights);
    }
  }
  __m256i offset0 = _mm256_loadu_si256((const __m256i *)(channel->column_offset0 + x));
  __m256i left = _mm256_i32gather_epi32((const int *)row, offset0, 1);
  __m256i right;
  if (channel->taps_within_4_bytes) {
    __m256i offset1 = _mm256_loadu_si256((const __m256i *)(channel->column_offset1 + x));
    __m256i shift = _mm256_slli_epi32(_mm256_sub_epi32(offset1, offset0), 3);
    right = _mm256_srlv_epi32(left, shift);
  } else {
    __m256i offset1 = _mm256_loadu_si256((const __m256i *)(channel->column_offset1 + x));
    right = _mm256_i32gather_epi32((const int *)row, offset1, 1);
  }
  // (left | right << 16) against (ONE - wx | wx << 16): one multiply-add gives the blend.
  __m256i pair = _mm256_or_si256(_mm256_and_si256(left, low_byte),
                                 _mm256_slli_epi32(_mm256_and_si256(right, low_byte), 16));
  return _mm256_madd_epi16(pair, weights);
}

HIYARI_AVX2 static inline __m256 sample_avx2(const hiyari_pp_channel *channel,
                                             const uint8_t *row0, const uint8_t *row1,
                                             __m256i row_weight, int32_t x) {
  __m256i top = horizontal_avx2(channel, row0, x);
  __m256i bottom = horizontal_avx2(channel, row1, x);
  // top * (ONE - wy) + bottom * wy, rearranged to one multiply; integers, so exactly equal.
  __m256i value = _mm256_add_epi32(_mm256_slli_epi32(top, HIYARI_PP_WEIGHT_BITS),
                                   _mm256_mullo_epi32(_mm256_sub_epi32(bottom, top), row_weight));
  return _mm256_mul_ps(_mm256_cvtepi32_ps(value), _mm256_set1_ps(sample_unit));
}

HIYARI_AVX2 static inline void store_avx2(const hiyari_pp_job *job, int channel, ptrdiff_t index,
                                          __m256 value) {
  __m256 clamped = _mm256_min_ps(_mm256_max_ps(value, _mm256_setzero_ps()),
                                 _mm256_set1_ps(255.0f));
  __m256 encoded = _mm256_add_ps(_mm256_mul_ps(clamped, _mm256_set1_ps(job->output_scale[channel])),
                                 _mm256_set1_ps(job->output_bias[channel]));
  ptrdiff_t stride = job->output_pixel_stride;
  if (job->output_type == HIYARI_PP_FLOAT32) {
    float *out = (float *)job->output[channel] + index;
    if (stride == 1) {
      _mm256_storeu_ps(out, encoded);
    } else {
      float lanes[8];
      _mm256_storeu_ps(lanes, encoded);
      for (int i = 0; i < 8; i++) out[i * stride] = lanes[i];
    }
    return;
  }
  int is_unsigned = job->output_type == HIYARI_PP_UINT8;
  __m256 low = _mm256_set1_ps(is_unsigned ? 0.0f : -128.0f);
  __m256 high = _mm256_set1_ps(is_unsigned ? 255.0f : 127.0f);
  // Default MXCSR rounding is to nearest even, as lrintf in the reference.
  __m256i integers = _mm256_cvtps_epi32(_mm256_min_ps(_mm256_max_ps(encoded, low), high));
  __m128i words = _mm_packs_epi32(_mm256_castsi256_si128(integers),
                                  _mm256_extracti128_si256(integers, 1));
  __m128i bytes = is_unsigned ? _mm_packus_epi16(words, words) : _mm_packs_epi16(words, words);
  uint8_t *out = (uint8_t *)job->output[channel] + index;
  if (stride == 1) {
    _mm_storel_epi64((__m128i *)out, bytes);
  } else {
    uint8_t lanes[16];
    _mm_storeu_si128((__m128i *)lanes, bytes);
    for (int i = 0; i < 8; i++) out[i * stride] = lanes[i];
  }
}

HIYARI_AVX2 static void preprocess_avx2(const hiyari_pp_job *shared_job) {
  // A private copy cannot alias the output, so its fields stay in registers across stores.
  const hiyari_pp_job local = *shared_job;
  const hiyari_pp_job *job = &local;
  const __m256 luma_offset = _mm256_set1_ps(job->luma_offset);
  const __m256 luma_scale = _mm256_set1_ps(job->luma_scale);
  const __m256 chroma_zero = _mm256_set1_ps(128.0f);
  const __m256 red_from_v = _mm256_set1_ps(job->red_from_v);
  const __m256 green_from_u = _mm256_set1_ps(job->green_from_u);
  const __m256 green_from_v = _mm256_set1_ps(job->green_from_v);
  const __m256 blue_from_u = _mm256_set1_ps(job->blue_from_u);
  for (int32_t y = 0; y < job->height; y++) {
    const uint8_t *rows0[3], *rows1[3];
    __m256i row_weights[3];
    for (int c = 0; c < 3; c++) {
      const hiyari_pp_channel *channel = &job->channel[c];
      rows0[c] = channel->base + channel->row_index0[y] * channel->row_pitch;
      rows1[c] = channel->base + channel->row_index1[y] * channel->row_pitch;
      row_weights[c] = _mm256_set1_epi32(channel->row_weight[y]);
    }
    int32_t x = 0;
    for (; x + 8 <= job->vector_columns; x += 8) {
      __m256 first = sample_avx2(&job->channel[0], rows0[0], rows1[0], row_weights[0], x);
      __m256 second = sample_avx2(&job->channel[1], rows0[1], rows1[1], row_weights[1], x);
      __m256 third = sample_avx2(&job->channel[2], rows0[2], rows1[2], row_weights[2], x);
      __m256 red = first, green = second, blue = third;
      if (job->source_is_yuv) {
        __m256 luma = _mm256_mul_ps(_mm256_sub_ps(first, luma_offset), luma_scale);
        __m256 u = _mm256_sub_ps(second, chroma_zero);
        __m256 v = _mm256_sub_ps(third, chroma_zero);
        red = _mm256_add_ps(luma, _mm256_mul_ps(red_from_v, v));
        green = _mm256_sub_ps(_mm256_sub_ps(luma, _mm256_mul_ps(green_from_u, u)),
                              _mm256_mul_ps(green_from_v, v));
        blue = _mm256_add_ps(luma, _mm256_mul_ps(blue_from_u, u));
      }
      ptrdiff_t index = y * job->output_row_stride + x * job->output_pixel_stride;
      store_avx2(job, 0, index, red);
      store_avx2(job, 1, index, green);
      store_avx2(job, 2, index, blue);
    }
    scalar_columns(job, y, x, job->width);
  }
}

#endif

// ---------------------------------------------------------------------------------------------
// NEON: no gathers on aarch64, so taps are loaded one by one into lanes; the blends, the color
// math and the encoding run four pixels at a time.

#if defined(HIYARI_PP_HAS_NEON)

static inline int32x4_t horizontal_neon(const hiyari_pp_channel *channel, const uint8_t *row,
                                        int32_t x) {
  int32_t left[4], right[4];
  for (int i = 0; i < 4; i++) {
    left[i] = row[channel->column_offset0[x + i]];
    right[i] = row[channel->column_offset1[x + i]];
  }
  uint32x4_t weights = vld1q_u32((const uint32_t *)(channel->column_weights + x));
  int32x4_t left_weight = vreinterpretq_s32_u32(vandq_u32(weights, vdupq_n_u32(0xffff)));
  int32x4_t right_weight = vreinterpretq_s32_u32(vshrq_n_u32(weights, 16));
  return vaddq_s32(vmulq_s32(vld1q_s32(left), left_weight), vmulq_s32(vld1q_s32(right), right_weight));
}

static inline float32x4_t sample_neon(const hiyari_pp_channel *channel, const uint8_t *row0,
                                      const uint8_t *row1, int32_t row_weight, int32_t x) {
  int32x4_t top = horizontal_neon(channel, row0, x);
  int32x4_t bottom = horizontal_neon(channel, row1, x);
  int32x4_t value = vaddq_s32(vmulq_n_s32(top, HIYARI_PP_WEIGHT_ONE - row_weight),
                              vmulq_n_s32(bottom, row_weight));
  return vmulq_n_f32(vcvtq_f32_s32(value), sample_unit);
}

static inline void store_neon(const hiyari_pp_job *job, int channel, ptrdiff_t index,
                              float32x4_t value) {
  // FMAX/FMIN agree with the reference's comparisons on every non-NaN value, signed zeros
  // included (FMAX(-0, +0) is +0, as the reference's `v > 0 ? v : 0`).
  float32x4_t clamped = vminq_f32(vmaxq_f32(value, vdupq_n_f32(0.0f)), vdupq_n_f32(255.0f));
  float32x4_t encoded = vaddq_f32(vmulq_n_f32(clamped, job->output_scale[channel]),
                                  vdupq_n_f32(job->output_bias[channel]));
  ptrdiff_t stride = job->output_pixel_stride;
  if (job->output_type == HIYARI_PP_FLOAT32) {
    float lanes[4];
    vst1q_f32(lanes, encoded);
    float *out = (float *)job->output[channel] + index;
    for (int i = 0; i < 4; i++) out[i * stride] = lanes[i];
    return;
  }
  int is_unsigned = job->output_type == HIYARI_PP_UINT8;
  float32x4_t limited = vminq_f32(vmaxq_f32(encoded, vdupq_n_f32(is_unsigned ? 0.0f : -128.0f)),
                                  vdupq_n_f32(is_unsigned ? 255.0f : 127.0f));
  int32_t lanes[4];
  vst1q_s32(lanes, vcvtnq_s32_f32(limited));  // round to nearest, ties to even
  uint8_t *out = (uint8_t *)job->output[channel] + index;
  for (int i = 0; i < 4; i++) out[i * stride] = (uint8_t)lanes[i];
}

static void preprocess_neon(const hiyari_pp_job *job) {
  for (int32_t y = 0; y < job->height; y++) {
    const uint8_t *rows0[3], *rows1[3];
    int32_t row_weights[3];
    for (int c = 0; c < 3; c++) {
      const hiyari_pp_channel *channel = &job->channel[c];
      rows0[c] = channel->base + channel->row_index0[y] * channel->row_pitch;
      rows1[c] = channel->base + channel->row_index1[y] * channel->row_pitch;
      row_weights[c] = channel->row_weight[y];
    }
    int32_t x = 0;
    for (; x + 4 <= job->width; x += 4) {
      float32x4_t first = sample_neon(&job->channel[0], rows0[0], rows1[0], row_weights[0], x);
      float32x4_t second = sample_neon(&job->channel[1], rows0[1], rows1[1], row_weights[1], x);
      float32x4_t third = sample_neon(&job->channel[2], rows0[2], rows1[2], row_weights[2], x);
      float32x4_t red = first, green = second, blue = third;
      if (job->source_is_yuv) {
        float32x4_t luma = vmulq_n_f32(vsubq_f32(first, vdupq_n_f32(job->luma_offset)),
                                       job->luma_scale);
        float32x4_t u = vsubq_f32(second, vdupq_n_f32(128.0f));
        float32x4_t v = vsubq_f32(third, vdupq_n_f32(128.0f));
        red = vaddq_f32(luma, vmulq_n_f32(v, job->red_from_v));
        green = vsubq_f32(vsubq_f32(luma, vmulq_n_f32(u, job->green_from_u)),
                          vmulq_n_f32(v, job->green_from_v));
        blue = vaddq_f32(luma, vmulq_n_f32(u, job->blue_from_u));
      }
      ptrdiff_t index = y * job->output_row_stride + x * job->output_pixel_stride;
      store_neon(job, 0, index, red);
      store_neon(job, 1, index, green);
      store_neon(job, 2, index, blue);
    }
    scalar_columns(job, y, x, job->width);
  }
}

#endif

// ---------------------------------------------------------------------------------------------
// Dispatch.

void hiyari_preprocess(const hiyari_pp_job *job, uint32_t features) {
#if defined(HIYARI_PP_HAS_AVX2)
  const uint32_t avx2 = HIYARI_CPU_AVX2 | HIYARI_CPU_FMA;
  if ((features & avx2) == avx2) {
    preprocess_avx2(job);
    return;
  }
#elif defined(HIYARI_PP_HAS_NEON)
  if (features & HIYARI_CPU_NEON) {
    preprocess_neon(job);
    return;
  }
#endif
  (void)features;
  preprocess_scalar(job);
}

const char *hiyari_preprocess_kernel_name(uint32_t features) {
#if defined(HIYARI_PP_HAS_AVX2)
  const uint32_t avx2 = HIYARI_CPU_AVX2 | HIYARI_CPU_FMA;
  if ((features & avx2) == avx2) return "avx2";
#elif defined(HIYARI_PP_HAS_NEON)
  if (features & HIYARI_CPU_NEON) return "neon";
#endif
  (void)features;
  return "scalar";
}

int32_t hiyari_preprocess_plan_windows(const int32_t *column_offset0, const int32_t *column_offset1,
                                       int32_t columns, int32_t valid_bytes,
                                       int32_t *window_start, uint8_t *window_shuffle) {
  int32_t windowed = 0;
  for (int32_t block = 0; block < columns / 8; block++) {
    int fits = 1;
    for (int half = 0; half < 2; half++) {
      int32_t first = block * 8 + half * 4;
      int32_t low = column_offset0[first], high = column_offset1[first];
      for (int32_t x = first; x < first + 4; x++) {
        if (column_offset0[x] < low) low = column_offset0[x];
        if (column_offset1[x] < low) low = column_offset1[x];
        if (column_offset0[x] > high) high = column_offset0[x];
        if (column_offset1[x] > high) high = column_offset1[x];
      }
      // Near the end of a row the window slides left so it never reads past the samples.
      int32_t start = low;
      if (start + 16 > valid_bytes) start = valid_bytes - 16;
      if (start < 0 || high - start > 15 || high >= valid_bytes) {
        fits = 0;
        break;
      }
      window_start[2 * block + half] = start;
      for (int32_t i = 0; i < 4; i++) {
        uint8_t *lane = window_shuffle + 32 * block + 16 * half + 4 * i;
        lane[0] = (uint8_t)(column_offset0[first + i] - start);
        lane[1] = 0x80;  // a set high bit makes pshufb write zero
        lane[2] = (uint8_t)(column_offset1[first + i] - start);
        lane[3] = 0x80;
      }
    }
    if (fits) {
      windowed++;
    } else {
      window_start[2 * block] = -1;
      window_start[2 * block + 1] = -1;
    }
  }
  return windowed;
}

void hiyari_preprocess_fill(void *output, int32_t output_type, ptrdiff_t output_pixel_stride,
                            ptrdiff_t output_row_stride, int32_t width, int32_t height,
                            float value) {
  for (int32_t y = 0; y < height; y++) {
    ptrdiff_t row = y * output_row_stride;
    if (output_type == HIYARI_PP_FLOAT32) {
      float *out = (float *)output + row;
      for (int32_t x = 0; x < width; x++) out[x * output_pixel_stride] = value;
    } else {
      uint8_t byte = (uint8_t)(int32_t)value;  // int8 values wrap to their two's complement byte
      uint8_t *out = (uint8_t *)output + row;
      for (int32_t x = 0; x < width; x++) out[x * output_pixel_stride] = byte;
    }
  }
}
