// Int8 convolution: setup, weight packing, input packing, dispatch, and the scalar reference.
//
// Layouts (see include/qconv.h for the math):
//
// Packed input (per image, built by hiyari_qconv_pack_input):
//   [group][unit][phase][hq][wq][cw] bytes
// A unit is cw consecutive input channels of one group (cw = 4 for GEMM kinds, channels past the
// group's end hold the pad byte and meet zero weights; cw = 1 for depthwise). Phase (ph, pw) of a
// stride (sh, sw) holds padded rows ph, ph + sh, ... and padded columns pw, pw + sw, ...; so tap
// (kh, kw) of output pixel (oh, ow) is phase ((kh*dh) % sh, (kw*dw) % sw) at row oh + kh*dh / sh,
// column ow + kw*dw / sw: for a fixed tap, consecutive output columns read consecutive elements,
// and a run of "virtual pixels" p = oh * wq + ow is one contiguous run of memory. Columns
// ow >= out_width of that virtual grid are junk: computed, never stored.
// Row phases (the depthwise 7-bit kernel at horizontal stride 2): phases split rows only, each
// phase row holds all padded columns, and virtual pixel p starts pixel_step * p bytes in; the
// kernel's shuffles pick the strided columns, so packing is a plain copy of rows.
//
// Packed weights (per group, per block of mr output channels):
//   [tap][unit][mr][4] int8 (int16 for the AVX2 and NEON paths, which multiply int16 by int16)
// so the k loop of every kernel walks (tap, unit) and reads mr * 4 weights per step, one 4-byte
// group (one vpdpbusd/sdot operand) per output channel. Rows past the group's channel count and
// input channels past its end are zero.
#include <stdlib.h>
#include <string.h>

#include "include/cpu_features.h"
#include "qconv_internal.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

static int32_t ceil_div(int32_t a, int32_t b) { return (a + b - 1) / b; }

static int choose_path(uint32_t features) {
#if defined(__x86_64__)
  const uint32_t avx512 = HIYARI_CPU_AVX512F | HIYARI_CPU_AVX512BW | HIYARI_CPU_AVX512VNNI;
  if ((features & avx512) == avx512) return HIYARI_QCONV_AVX512VNNI;
  if ((features & (HIYARI_CPU_AVX2 | HIYARI_CPU_AVXVNNI)) == (HIYARI_CPU_AVX2 | HIYARI_CPU_AVXVNNI))
    return HIYARI_QCONV_AVXVNNI;
  if (features & HIYARI_CPU_AVX2) return HIYARI_QCONV_AVX2;
#elif defined(__aarch64__)
  if (features & HIYARI_CPU_NEON_DOTPROD) return HIYARI_QCONV_NEONDOT;
  if (features & HIYARI_CPU_NEON) return HIYARI_QCONV_NEON;
#else
  (void)features;
#endif
  return HIYARI_QCONV_SCALAR;
}

static int valid_desc(const hiyari_qconv_desc *d) {
  if (d->in_channels < 1 || d->in_height < 1 || d->in_width < 1) return 0;
  if (d->out_channels < 1 || d->out_height < 1 || d->out_width < 1 || d->groups < 1) return 0;
  if (d->in_channels % d->groups || d->out_channels % d->groups) return 0;
  if (d->kernel_height < 1 || d->kernel_width < 1 || d->stride_height < 1 || d->stride_width < 1) return 0;
  if (d->dilation_height < 1 || d->dilation_width < 1 || d->pad_top < 0 || d->pad_left < 0) return 0;
  if (d->input_zero_point < 0 || d->input_zero_point > 255) return 0;
  if (d->output_min > d->output_max) return 0;
  if (d->output_is_signed ? (d->output_min < -128 || d->output_max > 127) : (d->output_min < 0 || d->output_max > 255))
    return 0;
  if (d->output_zero_point < -128 || d->output_zero_point > 255) return 0;
  // Keep every byte offset within int32 (images far beyond what an edge model takes).
  int64_t padded_h = (int64_t)(d->out_height - 1) * d->stride_height + (int64_t)(d->kernel_height - 1) * d->dilation_height + 1;
  int64_t padded_w = (int64_t)(d->out_width - 1) * d->stride_width + (int64_t)(d->kernel_width - 1) * d->dilation_width + 1;
  int64_t plane = (padded_h + d->stride_height) * (padded_w + d->stride_width + 256) * 4;
  if (plane > INT32_MAX / 2) return 0;
  if ((int64_t)d->kernel_height * d->kernel_width > 4096) return 0;
  return 1;
}

/// The depthwise 7-bit kernel's store table: one entry per start column from which 16 virtual
/// pixels reach past the row's real outputs (out_width - 15 ... wq - 1).
static int build_compaction(hiyari_qconv *c) {
  const int32_t width = c->d.out_width, wq = c->wq;
  c->compaction_base = width > 15 ? width - 15 : 0;
  c->compaction = calloc((size_t)(wq - c->compaction_base), sizeof *c->compaction);
  if (!c->compaction) return 0;
  for (int32_t start = c->compaction_base; start < wq; start++) {
    hiyari_qconv_compaction *e = &c->compaction[start - c->compaction_base];
    int32_t column = start;
    for (int32_t i = 0; i < 16; i++) {
      if (column < width) e->control[e->count++] = (uint8_t)i;
      if (++column == wq) {
        column = 0;
        e->rows++;
      }
    }
    for (int32_t i = e->count; i < 16; i++) e->control[i] = 0x80;
    e->next_column = column;
  }
  return 1;
}

void hiyari_qconv_destroy(hiyari_qconv *c) {
  if (!c) return;
  free(c->tap_offset);
  free(c->weights);
  free(c->dw_weights);
  free(c->bias);
  free(c->multiplier);
  free(c->compaction);
  free(c);
}

hiyari_qconv *hiyari_qconv_create(const hiyari_qconv_desc *d, const int8_t *weights, const int32_t *bias,
                                  const float *multipliers, uint32_t features) {
  if (!d || !weights || !multipliers || !valid_desc(d)) return NULL;
  hiyari_qconv *c = calloc(1, sizeof *c);
  if (!c) return NULL;
  c->d = *d;
  c->in_group = d->in_channels / d->groups;
  c->out_group = d->out_channels / d->groups;
  c->kind = (c->in_group == 1 && c->out_group == 1) ? HIYARI_QCONV_DEPTHWISE : HIYARI_QCONV_GEMM;
  c->path = choose_path(features);
  if (c->path == HIYARI_QCONV_AVX2) {
    size_t count = (size_t)d->out_channels * (d->in_channels / d->groups) * d->kernel_height * d->kernel_width;
    int seven_bit = 1;
    for (size_t i = 0; i < count && seven_bit; i++) seven_bit = weights[i] >= -64 && weights[i] <= 64;
    if (seven_bit) c->path = HIYARI_QCONV_AVX2_U8S7;
  }
  int element = 1, flip = 0;
  if (c->kind == HIYARI_QCONV_DEPTHWISE) {
    c->mr = 1;
    c->nr = 64;
    c->cw = 1;
  } else {
    c->cw = 4;
    switch (c->path) {
      case HIYARI_QCONV_AVX512VNNI: c->mr = 8, c->nr = 48; break;
      case HIYARI_QCONV_AVXVNNI: c->mr = 4, c->nr = 16; break;
      case HIYARI_QCONV_AVX2_U8S7: c->mr = 4, c->nr = 16; break;
      case HIYARI_QCONV_AVX2: c->mr = 6, c->nr = 8, element = 2; break;
      case HIYARI_QCONV_NEONDOT: c->mr = 8, c->nr = 8, flip = 0x80; break;
      // Activations stay uint8 (widened to int16 by the kernel), so no flip.
      case HIYARI_QCONV_NEON: c->mr = 8, c->nr = 8, element = 2; break;
      default: c->mr = 1, c->nr = 16; break;
    }
  }
  c->units_per_group = ceil_div(c->in_group, c->cw);
  c->blocks_per_group = ceil_div(c->out_group, c->mr);
  int32_t sh = d->stride_height, sw = d->stride_width;
  int32_t padded_h = (d->out_height - 1) * sh + (d->kernel_height - 1) * d->dilation_height + 1;
  int32_t padded_w = (d->out_width - 1) * sw + (d->kernel_width - 1) * d->dilation_width + 1;
  c->taps = d->kernel_height * d->kernel_width;
  // Row phases: the depthwise 7-bit kernel gathers stride-2 columns itself (its shuffles reach 16
  // bytes: 4 pixels at step 2 plus a window of 8), so packing only splits rows, a plain copy. It
  // never falls back to another kernel for them: its tap grouping always succeeds for at most
  // HIYARI_QCONV_DW_MAX_WINDOWS taps.
  const int row_phases = c->kind == HIYARI_QCONV_DEPTHWISE && c->path == HIYARI_QCONV_AVX2_U8S7 && sw == 2 &&
                         c->taps <= HIYARI_QCONV_DW_MAX_WINDOWS;
  c->pixel_step = row_phases ? sw : 1;
  c->phases = row_phases ? sh : sh * sw;
  c->hq = ceil_div(padded_h, sh);
  c->wq = ceil_div(padded_w, sw);
  c->phase_stride = (size_t)c->hq * c->wq * c->pixel_step * c->cw;
  c->unit_stride = c->phase_stride * c->phases;
  // Slack past the last unit: kernels read whole vectors (up to 64 virtual pixels) past the
  // last stored one, and junk columns read up to one row past a phase's end.
  c->buffer_bytes = c->unit_stride * (size_t)d->groups * c->units_per_group + ((size_t)c->wq + 256) * 4;
  c->input_xor = (uint8_t)((d->input_is_signed ? 0x80 : 0) ^ flip);
  c->pad_byte = (uint8_t)(d->input_zero_point ^ flip);
  c->min_f = (float)(d->output_min - d->output_zero_point);
  c->max_f = (float)(d->output_max - d->output_zero_point);

  c->tap_offset = malloc(sizeof(int32_t) * c->taps);
  c->bias = malloc(sizeof(int32_t) * d->out_channels);
  c->multiplier = malloc(sizeof(float) * d->out_channels);
  if (!c->tap_offset || !c->bias || !c->multiplier) goto fail;
  for (int32_t kh = 0; kh < d->kernel_height; kh++)
    for (int32_t kw = 0; kw < d->kernel_width; kw++) {
      int32_t rh = kh * d->dilation_height, rw = kw * d->dilation_width;
      size_t offset;
      if (row_phases)
        offset = (size_t)(rh % sh) * c->phase_stride + (size_t)(rh / sh) * c->wq * c->pixel_step + (size_t)rw;
      else
        offset = ((size_t)(rh % sh) * sw + (size_t)(rw % sw)) * c->phase_stride +
                 ((size_t)(rh / sh) * c->wq + (size_t)(rw / sw)) * c->cw;
      c->tap_offset[kh * d->kernel_width + kw] = (int32_t)offset;
    }
  if (c->kind == HIYARI_QCONV_DEPTHWISE && c->path == HIYARI_QCONV_AVX2_U8S7 && !build_compaction(c)) goto fail;

  size_t k = (size_t)c->in_group * c->taps;  // weights per output channel
  if (c->kind == HIYARI_QCONV_DEPTHWISE) {
    c->dw_weights = malloc(sizeof(int32_t) * (size_t)d->out_channels * c->taps);
    if (!c->dw_weights) goto fail;
    // Low 16 bits: the weight as int16 (the operand of vpmaddwd/vpdpwssd); high 16 bits zero.
    for (size_t i = 0; i < (size_t)d->out_channels * c->taps; i++) c->dw_weights[i] = (uint16_t)(int16_t)weights[i];
  } else {
    c->block_bytes = (size_t)c->taps * c->units_per_group * c->mr * 4 * element;
    size_t total = c->block_bytes * c->blocks_per_group * d->groups;
    c->weights = aligned_alloc(64, (total + 63) / 64 * 64);
    if (!c->weights) goto fail;
    memset(c->weights, 0, (total + 63) / 64 * 64);
    for (int32_t g = 0; g < d->groups; g++)
      for (int32_t m = 0; m < c->out_group; m++) {
        const int8_t *row = weights + ((size_t)g * c->out_group + m) * k;
        size_t block = (size_t)g * c->blocks_per_group + m / c->mr;
        for (int32_t ci = 0; ci < c->in_group; ci++)
          for (int32_t t = 0; t < c->taps; t++) {
            size_t index = (((size_t)t * c->units_per_group + ci / 4) * c->mr + m % c->mr) * 4 + ci % 4;
            int8_t value = row[(size_t)ci * c->taps + t];
            if (element == 2)
              ((int16_t *)((uint8_t *)c->weights + block * c->block_bytes))[index] = value;
            else
              ((int8_t *)c->weights + block * c->block_bytes)[index] = value;
          }
      }
  }
  for (int32_t co = 0; co < d->out_channels; co++) {
    int64_t sum = 0;
    for (size_t i = 0; i < k; i++) sum += weights[(size_t)co * k + i];
    int64_t fused = (bias ? bias[co] : 0) - (int64_t)d->input_zero_point * sum + (flip ? 128 * sum : 0);
    c->bias[co] = (int32_t)(uint32_t)(uint64_t)fused;
    c->multiplier[co] = multipliers[co];
  }
  return c;
fail:
  hiyari_qconv_destroy(c);
  return NULL;
}

void hiyari_qconv_get_info(const hiyari_qconv *c, hiyari_qconv_info *info) {
  info->kind = c->kind;
  info->path = c->path;
  info->buffer_bytes = c->buffer_bytes;
  info->pack_units = c->d.groups * c->units_per_group;
  info->channel_block = c->mr;
  info->group_channels = c->out_group;
  info->pixel_block = c->nr;
  info->virtual_pixels = c->d.out_height * c->wq;
  info->row_pitch = c->wq;
}

// ---- Input packing ----------------------------------------------------------------------------

/// dst[i] = src_row[start + i * step] ^ xor for i < count, or pad where that column is outside
/// [0, width) or the whole row is padding (src_row == NULL).
/// The outputs [lo, hi) of a gathered row that read inside the source row (the rest is padding);
/// the same for every row of a phase, so callers compute it once (it divides).
typedef struct {
  int32_t lo, hi;
} span;

static span gather_span(int32_t width, int32_t count, int32_t start, int32_t step) {
  int32_t lo = start >= 0 ? 0 : ceil_div(-start, step);
  int32_t hi = start >= width ? 0 : ceil_div(width - start, step);
  if (lo > count) lo = count;
  if (hi > count) hi = count;
  if (hi < lo) hi = lo;
  return (span){lo, hi};
}

/// dst[i] = src_row[start + i * step] ^ xor for i in [s.lo, s.hi), pad elsewhere in [0, count);
/// a NULL row is all padding.
static void gather_row(uint8_t *dst, const uint8_t *src_row, span s, int32_t width, int32_t count, int32_t start,
                       int32_t step, uint8_t xor, uint8_t pad) {
  if (!src_row) {
    memset(dst, pad, (size_t)count);
    return;
  }
  const int32_t lo = s.lo, hi = s.hi;
  for (int32_t i = 0; i < lo; i++) dst[i] = pad;  // a pixel or two: a call to memset costs more
  if (step == 1) {
    const uint8_t *src = src_row + start;
    int32_t i = lo;
#if defined(__SSE2__)
    // Rows are short (tens of bytes) and packed by the thousand: whole vectors, the last one
    // overlapping the one before instead of a scalar tail; nothing read or written outside.
    if (hi - lo >= 16) {
      const __m128i flip = _mm_set1_epi8((char)xor);
      for (;; i += 16) {
        if (i + 16 > hi) i = hi - 16;
        _mm_storeu_si128((__m128i *)(dst + i), _mm_xor_si128(_mm_loadu_si128((const __m128i *)(src + i)), flip));
        if (i + 16 >= hi) break;
      }
      i = hi;
    }
#endif
    for (; i < hi; i++) dst[i] = src[i] ^ xor;
  } else {
    int32_t i = lo;
#if defined(__SSE2__)
    if (step == 2 && hi - lo >= 16) {
      // Even bytes of 32 consecutive source bytes: mask each 16-bit word to its low byte and
      // pack. A vector at i reads source bytes start + 2i ... start + 2i + 31, which must lie in
      // the row; the last vector overlaps the one before when that keeps it inside.
      const __m128i low_bytes = _mm_set1_epi16(0x00FF), flip = _mm_set1_epi8((char)xor);
      int32_t last = hi - 16;
      while (last > lo && start + 2 * last + 32 > width) last--;
      if (start + 2 * last + 32 <= width) {
        for (;; i += 16) {
          if (i > last) i = last;
          const uint8_t *src = src_row + start + 2 * i;
          __m128i a = _mm_and_si128(_mm_loadu_si128((const __m128i *)src), low_bytes);
          __m128i b = _mm_and_si128(_mm_loadu_si128((const __m128i *)(src + 16)), low_bytes);
          _mm_storeu_si128((__m128i *)(dst + i), _mm_xor_si128(_mm_packus_epi16(a, b), flip));
          if (i == last) break;
        }
        i = last + 16;
      }
    }
#endif
    for (; i < hi; i++) dst[i] = src_row[start + i * step] ^ xor;
  }
  for (int32_t i = hi; i < count; i++) dst[i] = pad;
}

/// dst[i][j] = row_j[i] ^ xor for i < n, j < 4: four channel rows into one row of quads.
static void interleave4(uint8_t *dst, const uint8_t *r0, const uint8_t *r1, const uint8_t *r2, const uint8_t *r3,
                        size_t n, uint8_t xor) {
  size_t i = 0;
#if defined(__SSE2__)
  const __m128i flip = _mm_set1_epi8((char)xor);
  for (; i + 16 <= n; i += 16) {
    __m128i a = _mm_xor_si128(_mm_loadu_si128((const __m128i *)(r0 + i)), flip);
    __m128i b = _mm_xor_si128(_mm_loadu_si128((const __m128i *)(r1 + i)), flip);
    __m128i c = _mm_xor_si128(_mm_loadu_si128((const __m128i *)(r2 + i)), flip);
    __m128i d = _mm_xor_si128(_mm_loadu_si128((const __m128i *)(r3 + i)), flip);
    __m128i ab_lo = _mm_unpacklo_epi8(a, b), ab_hi = _mm_unpackhi_epi8(a, b);
    __m128i cd_lo = _mm_unpacklo_epi8(c, d), cd_hi = _mm_unpackhi_epi8(c, d);
    __m128i *out = (__m128i *)(dst + i * 4);
    _mm_storeu_si128(out + 0, _mm_unpacklo_epi16(ab_lo, cd_lo));
    _mm_storeu_si128(out + 1, _mm_unpackhi_epi16(ab_lo, cd_lo));
    _mm_storeu_si128(out + 2, _mm_unpacklo_epi16(ab_hi, cd_hi));
    _mm_storeu_si128(out + 3, _mm_unpackhi_epi16(ab_hi, cd_hi));
  }
#endif
  for (; i < n; i++) {
    dst[i * 4 + 0] = r0[i] ^ xor;
    dst[i * 4 + 1] = r1[i] ^ xor;
    dst[i * 4 + 2] = r2[i] ^ xor;
    dst[i * 4 + 3] = r3[i] ^ xor;
  }
}

// Fast rows: whole vectors that may run past the row's last output (into its padding or the next
// rows, which are written afterwards, in address order, within the same phase image) and read
// past its last input byte (within the same channel plane). Callers check both bounds and fall
// back to the exact gathers above near the ends, so nothing outside this unit's phase images is
// written and nothing outside the input channel is read.

/// Whether a fast row of outputs [lo, hi) in vectors of `vector` outputs, starting `row_start`
/// bytes into a phase image of `image_bytes` (`element` bytes per output), stays inside it, and
/// whether its reads, `read_start` bytes into a channel plane of `plane_bytes` at `step` bytes per
/// output plus `read_tail` bytes for the last vector, stay inside that plane.
static int fast_row_fits(int32_t lo, int32_t hi, int32_t vector, size_t row_start, size_t image_bytes,
                         int32_t element, int64_t read_start, int32_t step, int32_t read_tail, int64_t plane_bytes) {
  if (hi - lo < vector) return 0;
  int32_t last = lo + (hi - 1 - lo) / vector * vector;  // first output of the last vector
  if (row_start + (size_t)(last + vector) * element > image_bytes) return 0;
  return read_start + (int64_t)last * step + read_tail <= plane_bytes;
}

#if defined(__SSE2__)
/// dst[j] = src[j * step] ^ xor for j in [0, n), step 1 or 2, in vectors of 16 outputs (see above).
static void copy_row_fast(uint8_t *dst, const uint8_t *src, int32_t n, int32_t step, uint8_t xor) {
  const __m128i flip = _mm_set1_epi8((char)xor), low_bytes = _mm_set1_epi16(0x00FF);
  if (step == 1) {
    for (int32_t j = 0; j < n; j += 16)
      _mm_storeu_si128((__m128i *)(dst + j), _mm_xor_si128(_mm_loadu_si128((const __m128i *)(src + j)), flip));
  } else {
    for (int32_t j = 0; j < n; j += 16) {
      __m128i a = _mm_and_si128(_mm_loadu_si128((const __m128i *)(src + 2 * j)), low_bytes);
      __m128i b = _mm_and_si128(_mm_loadu_si128((const __m128i *)(src + 2 * j + 16)), low_bytes);
      _mm_storeu_si128((__m128i *)(dst + j), _mm_xor_si128(_mm_packus_epi16(a, b), flip));
    }
  }
}

/// Quads of four channel rows at stride 2: dst[j][k] = row_k[2j] ^ xor for j in [0, n), in
/// vectors of 8 quads (see above). A NULL row (channels past the group's end) gives `pad`.
static void interleave4_stride2_fast(uint8_t *dst, const uint8_t *const row[4], int32_t n, uint8_t xor, uint8_t pad) {
  const __m128i flip = _mm_set1_epi8((char)xor), low_bytes = _mm_set1_epi16(0x00FF);
  const __m128i padding = _mm_set1_epi16((int16_t)(uint8_t)(pad ^ xor));  // flipped back below
  for (int32_t j = 0; j < n; j += 8) {
    __m128i lanes[4];
    for (int k = 0; k < 4; k++)
      lanes[k] = row[k] ? _mm_and_si128(_mm_loadu_si128((const __m128i *)(row[k] + 2 * j)), low_bytes) : padding;
    __m128i c0 = lanes[0], c1 = lanes[1], c2 = lanes[2], c3 = lanes[3];
    __m128i c01 = _mm_packus_epi16(c0, c1), c23 = _mm_packus_epi16(c2, c3);  // 8 of each channel
    __m128i pairs01 = _mm_unpacklo_epi8(c01, _mm_srli_si128(c01, 8));
    __m128i pairs23 = _mm_unpacklo_epi8(c23, _mm_srli_si128(c23, 8));
    _mm_storeu_si128((__m128i *)(dst + 4 * j), _mm_xor_si128(_mm_unpacklo_epi16(pairs01, pairs23), flip));
    _mm_storeu_si128((__m128i *)(dst + 4 * j + 16), _mm_xor_si128(_mm_unpackhi_epi16(pairs01, pairs23), flip));
  }
}
#endif

/// Packs rows [r_begin, r_end) of one phase of one unit (cw == 4).
static void pack_rows4(const hiyari_qconv *c, const uint8_t *const channel[4], uint8_t *phase, int32_t ph, int32_t pw,
                       int32_t r_begin, int32_t r_end) {
  const hiyari_qconv_desc *d = &c->d;
  const int32_t width = d->in_width, sw = d->stride_width, wq = c->wq;
  const int32_t start = pw - d->pad_left;  // input column of phase column 0
  const int all_channels = channel[3] != NULL;
  // Phase columns [lo, hi) read inside the input.
  int32_t lo = start >= 0 ? 0 : ceil_div(-start, sw);
  int32_t hi = start >= width ? 0 : ceil_div(width - start, sw);
  if (lo > wq) lo = wq;
  if (hi > wq) hi = wq;
  if (hi < lo) hi = lo;
  enum { CHUNK = 256 };
  uint8_t rows[4][CHUNK];
  for (int32_t r = r_begin; r < r_end; r++) {
    int32_t ih = r * d->stride_height + ph - d->pad_top;
    uint8_t *out = phase + (size_t)r * wq * 4;
    if (ih < 0 || ih >= d->in_height) {
      memset(out, c->pad_byte, (size_t)wq * 4);
      continue;
    }
    size_t offset = (size_t)ih * width;
    if (all_channels && sw == 1) {
      // The common case: contiguous source columns, padding only at the ends.
      memset(out, c->pad_byte, (size_t)lo * 4);
      const int32_t from = start + lo;
      interleave4(out + (size_t)lo * 4, channel[0] + offset + from, channel[1] + offset + from,
                  channel[2] + offset + from, channel[3] + offset + from, (size_t)(hi - lo), c->input_xor);
      memset(out + (size_t)hi * 4, c->pad_byte, (size_t)(wq - hi) * 4);
      continue;
    }
#if defined(__SSE2__)
    if (channel[0] && sw == 2 &&
        fast_row_fits(lo, hi, 8, (size_t)r * wq * 4, c->phase_stride, 4, (int64_t)offset + start, 2, 16,
                      (int64_t)d->in_height * width)) {
      memset(out, c->pad_byte, (size_t)lo * 4);
      const int32_t from = start + 2 * lo;
      const uint8_t *rows_at[4];
      for (int k = 0; k < 4; k++) rows_at[k] = channel[k] ? channel[k] + offset + from : NULL;
      interleave4_stride2_fast(out + (size_t)lo * 4, rows_at, hi - lo, c->input_xor, c->pad_byte);
      memset(out + (size_t)hi * 4, c->pad_byte, (size_t)(wq - hi) * 4);
      continue;
    }
#endif
    for (int32_t col = 0; col < wq; col += CHUNK) {
      int32_t n = wq - col < CHUNK ? wq - col : CHUNK;
      span columns = gather_span(width, n, start + col * sw, sw);
      for (int32_t j = 0; j < 4; j++)
        gather_row(rows[j], channel[j] ? channel[j] + offset : NULL, columns, width, n, start + col * sw, sw,
                   c->input_xor, c->pad_byte);
      interleave4(out + (size_t)col * 4, rows[0], rows[1], rows[2], rows[3], (size_t)n, 0);
    }
  }
}

void hiyari_qconv_pack_input(const hiyari_qconv *c, const uint8_t *x, uint8_t *buffer, int32_t unit_begin,
                             int32_t unit_end) {
  const hiyari_qconv_desc *d = &c->d;
  const size_t plane = (size_t)d->in_height * d->in_width;
  for (int32_t u = unit_begin; u < unit_end; u++) {
    int32_t g = u / c->units_per_group, q = u - g * c->units_per_group;
    uint8_t *unit = buffer + (size_t)u * c->unit_stride;
    const uint8_t *channel[4] = {NULL, NULL, NULL, NULL};
    for (int32_t j = 0; j < c->cw; j++) {
      int32_t ci = q * c->cw + j;
      if (ci < c->in_group) channel[j] = x + ((size_t)g * c->in_group + ci) * plane;
    }
    // Row phases (pixel_step > 1) keep every column in one phase row: a copy at step 1.
    const int32_t column_phases = c->pixel_step == 1 ? d->stride_width : 1;
    for (int32_t ph = 0; ph < d->stride_height; ph++)
      for (int32_t pw = 0; pw < column_phases; pw++) {
        uint8_t *phase = unit + (size_t)(ph * column_phases + pw) * c->phase_stride;
        if (c->cw == 1) {
          const int32_t sw = column_phases, count = c->wq * c->pixel_step, start = pw - d->pad_left;
          span columns = gather_span(d->in_width, count, start, sw);
          for (int32_t r = 0; r < c->hq; r++) {
            int32_t ih = r * d->stride_height + ph - d->pad_top;
            const uint8_t *row = ih >= 0 && ih < d->in_height ? channel[0] + (size_t)ih * d->in_width : NULL;
            uint8_t *out = phase + (size_t)r * count;
#if defined(__SSE2__)
            const int64_t row_offset = (int64_t)ih * d->in_width + start;
            if (row && sw <= 2 &&
                fast_row_fits(columns.lo, columns.hi, 16, (size_t)r * count, c->phase_stride, 1, row_offset, sw,
                              16 * sw, (int64_t)plane)) {
              for (int32_t i = 0; i < columns.lo; i++) out[i] = c->pad_byte;
              copy_row_fast(out + columns.lo, row + start + (int64_t)columns.lo * sw, columns.hi - columns.lo, sw,
                            c->input_xor);
              for (int32_t i = columns.hi; i < count; i++) out[i] = c->pad_byte;
              continue;
            }
#endif
            gather_row(out, row, columns, d->in_width, count, start, sw, c->input_xor, c->pad_byte);
          }
        } else if (channel[3] && d->stride_height == 1 && d->stride_width == 1 && d->pad_top == 0 &&
                   d->pad_left == 0 && c->wq == d->in_width) {
          // No padding columns, unit stride: the valid rows are one contiguous run (1x1 convs).
          int32_t rows = c->hq < d->in_height ? c->hq : d->in_height;
          interleave4(phase, channel[0], channel[1], channel[2], channel[3], (size_t)rows * c->wq, c->input_xor);
          pack_rows4(c, channel, phase, ph, pw, rows, c->hq);
        } else {
          pack_rows4(c, channel, phase, ph, pw, 0, c->hq);
        }
      }
  }
}

// ---- Dispatch -----------------------------------------------------------------------------------

typedef void (*gemm_fn)(const struct hiyari_qconv *, const uint8_t *, uint8_t *, int32_t, int32_t, int32_t, int32_t,
                        int32_t);
typedef void (*dw_fn)(const struct hiyari_qconv *, const uint8_t *, uint8_t *, int32_t, int32_t, int32_t, int32_t);

void hiyari_qconv_compute(const hiyari_qconv *c, const uint8_t *buffer, uint8_t *y, int32_t channel_begin,
                          int32_t channel_end, int32_t pixel_begin, int32_t pixel_end) {
  int32_t pixels = c->d.out_height * c->wq;
  if (channel_begin < 0) channel_begin = 0;
  if (channel_end > c->d.out_channels) channel_end = c->d.out_channels;
  if (pixel_begin < 0) pixel_begin = 0;
  if (pixel_end > pixels) pixel_end = pixels;
  if (channel_begin >= channel_end || pixel_begin >= pixel_end) return;
  if (c->kind == HIYARI_QCONV_DEPTHWISE) {
    dw_fn f = hiyari_qconv_depthwise_scalar;
#if defined(__x86_64__)
    if (c->path == HIYARI_QCONV_AVX512VNNI) f = hiyari_qconv_depthwise_avx512;
    if (c->path == HIYARI_QCONV_AVXVNNI || c->path == HIYARI_QCONV_AVX2) f = hiyari_qconv_depthwise_avx2;
    if (c->path == HIYARI_QCONV_AVX2_U8S7) f = hiyari_qconv_depthwise_avx2_u8s7;
#elif defined(__aarch64__)
    // Depthwise is plain NEON on both ARM paths (int16 vmlal, no dot products).
    if (c->path == HIYARI_QCONV_NEONDOT || c->path == HIYARI_QCONV_NEON) f = hiyari_qconv_depthwise_neon;
#endif
    f(c, buffer, y, channel_begin, channel_end, pixel_begin, pixel_end);
    return;
  }
  gemm_fn f = hiyari_qconv_gemm_scalar;
#if defined(__x86_64__)
  if (c->path == HIYARI_QCONV_AVX512VNNI) f = hiyari_qconv_gemm_avx512;
  if (c->path == HIYARI_QCONV_AVXVNNI) f = hiyari_qconv_gemm_avxvnni;
  if (c->path == HIYARI_QCONV_AVX2) f = hiyari_qconv_gemm_avx2;
  if (c->path == HIYARI_QCONV_AVX2_U8S7) f = hiyari_qconv_gemm_avx2_u8s7;
#elif defined(__aarch64__)
  if (c->path == HIYARI_QCONV_NEONDOT) f = hiyari_qconv_gemm_neondot;
  if (c->path == HIYARI_QCONV_NEON) f = hiyari_qconv_gemm_neon;
#endif
  for (int32_t g = channel_begin / c->out_group; g * c->out_group < channel_end; g++) {
    int32_t lo = channel_begin - g * c->out_group, hi = channel_end - g * c->out_group;
    if (lo < 0) lo = 0;
    if (hi > c->out_group) hi = c->out_group;
    f(c, buffer, y, g, lo, hi, pixel_begin, pixel_end);
  }
}

uint64_t hiyari_int8_peak(int32_t path, int64_t iterations) {
  uint32_t features = hiyari_cpu_features();
#if defined(__x86_64__)
  const uint32_t avx512 = HIYARI_CPU_AVX512F | HIYARI_CPU_AVX512BW | HIYARI_CPU_AVX512VNNI;
  if (path == HIYARI_QCONV_AVX512VNNI && (features & avx512) == avx512) return hiyari_int8_peak_avx512(iterations);
  if (path == HIYARI_QCONV_AVXVNNI && (features & HIYARI_CPU_AVXVNNI)) return hiyari_int8_peak_avxvnni(iterations);
  if (path == HIYARI_QCONV_AVX2 && (features & HIYARI_CPU_AVX2)) return hiyari_int8_peak_avx2(iterations);
  if (path == HIYARI_QCONV_AVX2_U8S7 && (features & HIYARI_CPU_AVX2)) return hiyari_int8_peak_avx2_u8s7(iterations);
#elif defined(__aarch64__)
  if (path == HIYARI_QCONV_NEONDOT && (features & HIYARI_CPU_NEON_DOTPROD)) return hiyari_int8_peak_neondot(iterations);
  if (path == HIYARI_QCONV_NEON && (features & HIYARI_CPU_NEON)) return hiyari_int8_peak_neon(iterations);
#endif
  (void)features;
  (void)iterations;
  return 0;
}

// ---- Scalar reference ---------------------------------------------------------------------------

void hiyari_qconv_gemm_scalar(const struct hiyari_qconv *c, const uint8_t *buffer, uint8_t *y, int32_t g,
                              int32_t m_begin, int32_t m_end, int32_t n_begin, int32_t n_end) {
  const hiyari_qconv_desc *d = &c->d;
  const size_t out_plane = (size_t)d->out_height * d->out_width;
  const uint8_t *group_input = buffer + (size_t)g * c->units_per_group * c->unit_stride;
  for (int32_t n = n_begin; n < n_end; n++) {
    int32_t row = n / c->wq, column = n - row * c->wq;
    if (column >= d->out_width || row >= d->out_height) continue;
    int32_t destination = row * d->out_width + column;
    for (int32_t m = m_begin; m < m_end; m++) {
      int32_t co = g * c->out_group + m;
      const int8_t *w = (const int8_t *)c->weights + ((size_t)g * c->blocks_per_group + m / c->mr) * c->block_bytes;
      int32_t acc = 0;
      for (int32_t t = 0; t < c->taps; t++) {
        const uint8_t *a = group_input + c->tap_offset[t] + (size_t)n * 4;
        for (int32_t q = 0; q < c->units_per_group; q++) {
          const uint8_t *ap = a + (size_t)q * c->unit_stride;
          const int8_t *wp = w + (((size_t)t * c->units_per_group + q) * c->mr + m % c->mr) * 4;
          for (int32_t j = 0; j < 4; j++) acc += (int32_t)ap[j] * wp[j];
        }
      }
      int32_t value =
        hiyari_qconv_requantize(acc, c->bias[co], c->multiplier[co], c->min_f, c->max_f, d->output_zero_point);
      y[(size_t)co * out_plane + destination] = (uint8_t)value;
    }
  }
}

void hiyari_qconv_depthwise_scalar(const struct hiyari_qconv *c, const uint8_t *buffer, uint8_t *y,
                                   int32_t c_begin, int32_t c_end, int32_t n_begin, int32_t n_end) {
  const hiyari_qconv_desc *d = &c->d;
  const size_t out_plane = (size_t)d->out_height * d->out_width;
  for (int32_t ch = c_begin; ch < c_end; ch++) {
    const uint8_t *plane = buffer + (size_t)ch * c->unit_stride;
    const int32_t *w = c->dw_weights + (size_t)ch * c->taps;
    for (int32_t n = n_begin; n < n_end; n++) {
      int32_t row = n / c->wq, column = n - row * c->wq;
      if (column >= d->out_width || row >= d->out_height) continue;
      int32_t acc = 0;
      for (int32_t t = 0; t < c->taps; t++)
        acc += (int32_t)plane[c->tap_offset[t] + (size_t)n * c->pixel_step] * (int16_t)w[t];
      int32_t value =
        hiyari_qconv_requantize(acc, c->bias[ch], c->multiplier[ch], c->min_f, c->max_f, d->output_zero_point);
      y[(size_t)ch * out_plane + (size_t)row * d->out_width + column] = (uint8_t)value;
    }
  }
}
