// The driver of scripts/kernel-ab: old and new int8 convolution kernels, run alternately on the
// detector's convolution shapes (see scripts/make-detector-model.py), medians of 101 runs each.
// Exits 1 when the two produce different outputs for any shape.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cpu_features.h"
#include "qconv.h"

hiyari_qconv *old_hiyari_qconv_create(const hiyari_qconv_desc *, const int8_t *, const int32_t *, const float *,
                                      uint32_t);
void old_hiyari_qconv_destroy(hiyari_qconv *);
void old_hiyari_qconv_get_info(const hiyari_qconv *, hiyari_qconv_info *);
void old_hiyari_qconv_pack_input(const hiyari_qconv *, const uint8_t *, uint8_t *, int32_t, int32_t);
void old_hiyari_qconv_compute(const hiyari_qconv *, const uint8_t *, uint8_t *, int32_t, int32_t, int32_t, int32_t);

typedef struct {
  hiyari_qconv *(*create)(const hiyari_qconv_desc *, const int8_t *, const int32_t *, const float *, uint32_t);
  void (*destroy)(hiyari_qconv *);
  void (*info)(const hiyari_qconv *, hiyari_qconv_info *);
  void (*pack)(const hiyari_qconv *, const uint8_t *, uint8_t *, int32_t, int32_t);
  void (*compute)(const hiyari_qconv *, const uint8_t *, uint8_t *, int32_t, int32_t, int32_t, int32_t);
} kernels;

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static int by_value(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/// One convolution the way the engine runs it: GEMM kinds pack everything then compute; depthwise
/// packs and computes chunks of about 16 kB of packed input.
static void run(const kernels *k, const hiyari_qconv *conv, const hiyari_qconv_info *info, int depthwise,
                int channels, const uint8_t *x, uint8_t *buffer, uint8_t *y) {
  if (!depthwise) {
    k->pack(conv, x, buffer, 0, info->pack_units);
    k->compute(conv, buffer, y, 0, channels, 0, info->virtual_pixels);
    return;
  }
  int chunk = 16384 / (int)(info->buffer_bytes / channels);
  if (chunk < 1) chunk = 1;
  for (int c = 0; c < channels; c += chunk) {
    int end = c + chunk < channels ? c + chunk : channels;
    k->pack(conv, x, buffer, c, end);
    k->compute(conv, buffer, y, c, end, 0, info->virtual_pixels);
  }
}

int main(int argc, char **argv) {
  const kernels implementations[2] = {
    {old_hiyari_qconv_create, old_hiyari_qconv_destroy, old_hiyari_qconv_get_info, old_hiyari_qconv_pack_input,
     old_hiyari_qconv_compute},
    {hiyari_qconv_create, hiyari_qconv_destroy, hiyari_qconv_get_info, hiyari_qconv_pack_input, hiyari_qconv_compute}};
  // in, out channels, input height, width, kernel, stride, dense (0: depthwise)
  static const int shapes[][7] = {
    {3, 24, 192, 320, 3, 2, 1},   {24, 48, 96, 160, 3, 2, 1},   {48, 64, 48, 80, 1, 1, 1},
    {64, 64, 48, 80, 1, 1, 1},    {64, 128, 24, 40, 1, 1, 1},   {128, 128, 24, 40, 1, 1, 1},
    {384, 128, 24, 40, 1, 1, 1},  {128, 128, 24, 40, 3, 1, 1},  {256, 256, 12, 20, 1, 1, 1},
    {64, 64, 48, 80, 3, 1, 0},    {128, 128, 24, 40, 3, 1, 0},  {256, 256, 12, 20, 3, 1, 0},
    {64, 64, 48, 80, 3, 2, 0},    {128, 128, 24, 40, 3, 2, 0}};
  enum { SHAPES = sizeof shapes / sizeof shapes[0], RUNS = 101 };
  double total[2] = {0, 0};
  int differ = 0;
  srand(1);
  for (int l = 0; l < SHAPES; l++) {
    if (argc > 1 && !strchr(argv[1], 'a' + l)) continue;
    const int in = shapes[l][0], out = shapes[l][1], h = shapes[l][2], w = shapes[l][3], k = shapes[l][4],
              s = shapes[l][5], depthwise = !shapes[l][6], groups = depthwise ? in : 1, pad = k / 2;
    hiyari_qconv_desc d = {0};
    d.in_channels = in, d.in_height = h, d.in_width = w, d.out_channels = out, d.groups = groups;
    d.out_height = (h + 2 * pad - k) / s + 1, d.out_width = (w + 2 * pad - k) / s + 1;
    d.kernel_height = d.kernel_width = k, d.stride_height = d.stride_width = s;
    d.dilation_height = d.dilation_width = 1, d.pad_top = d.pad_left = pad;
    d.input_zero_point = 3, d.output_min = 0, d.output_max = 255;
    const size_t weight_count = (size_t)out * (in / groups) * k * k, x_bytes = (size_t)in * h * w;
    const size_t y_bytes = (size_t)out * d.out_height * d.out_width;
    int8_t *weights = malloc(weight_count);
    int32_t *bias = malloc(sizeof(int32_t) * out);
    float *multipliers = malloc(sizeof(float) * out);
    uint8_t *x = malloc(x_bytes);
    for (size_t i = 0; i < weight_count; i++) weights[i] = (int8_t)(rand() % 129 - 64);  // 7-bit weights
    for (int i = 0; i < out; i++) bias[i] = rand() % 1000, multipliers[i] = 0.001f;
    for (size_t i = 0; i < x_bytes; i++) x[i] = (uint8_t)rand();
    hiyari_qconv *conv[2];
    hiyari_qconv_info info[2];
    uint8_t *buffer[2], *y[2];
    for (int j = 0; j < 2; j++) {
      conv[j] = implementations[j].create(&d, weights, bias, multipliers, hiyari_cpu_features());
      if (!conv[j]) return fprintf(stderr, "shape %c: create failed\n", 'a' + l), 2;
      implementations[j].info(conv[j], &info[j]);
      buffer[j] = calloc(info[j].buffer_bytes + 64, 1);
      y[j] = malloc(y_bytes);
    }
    double seconds[2][RUNS];
    for (int r = 0; r < RUNS; r++)
      for (int i = 0; i < 2; i++) {
        int j = r % 2 ? 1 - i : i;  // alternate which goes first
        double start = now();
        run(&implementations[j], conv[j], &info[j], depthwise, out, x, buffer[j], y[j]);
        seconds[j][r] = now() - start;
      }
    const int same = !memcmp(y[0], y[1], y_bytes);
    differ |= !same;
    qsort(seconds[0], RUNS, sizeof(double), by_value);
    qsort(seconds[1], RUNS, sizeof(double), by_value);
    const double old_ms = seconds[0][RUNS / 2] * 1e3, new_ms = seconds[1][RUNS / 2] * 1e3;
    total[0] += old_ms, total[1] += new_ms;
    const double macs = (double)out * (in / groups) * k * k * d.out_height * d.out_width;
    printf("%c %3d->%3d %3dx%3d k%d s%d %-9s old %.3f ms  new %.3f ms  new/old %.3f  new %.1f GMAC/s%s\n", 'a' + l,
           in, out, h, w, k, s, depthwise ? "depthwise" : "dense", old_ms, new_ms, new_ms / old_ms,
           macs / new_ms * 1e-6, same ? "" : "  OUTPUTS DIFFER");
    for (int j = 0; j < 2; j++) {
      implementations[j].destroy(conv[j]);
      free(buffer[j]);
      free(y[j]);
    }
    free(weights), free(bias), free(multipliers), free(x);
  }
  printf("sum of medians: old %.3f ms, new %.3f ms, new/old %.3f\n", total[0], total[1], total[1] / total[0]);
  return differ;
}
