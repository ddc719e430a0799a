// Checks every int8 convolution path against a naive reference on random shapes, including the
// paths this machine cannot run natively: AVX-512 VNNI and AVX-VNNI through SIMDe's emulated
// intrinsics (simde_avx512.h), NEON dot-product and plain NEON under qemu-aarch64 (-cpu max has
// the dot product, -cpu cortex-a72 does not). Run by run.sh beside it.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <time.h>
#include "CKernels.h"
static uint32_t rs = 12345;
static uint32_t rnd(void) { rs ^= rs << 13; rs ^= rs >> 17; rs ^= rs << 5; return rs; }
// naive reference on raw NCHW
static void ref(const hiyari_qconv_desc *d, const uint8_t *x, const int8_t *w, const int32_t *bias, const float *mult, uint8_t *y) {
  int cg = d->in_channels / d->groups, mg = d->out_channels / d->groups;
  for (int co = 0; co < d->out_channels; co++) { int g = co / mg;
    for (int oh = 0; oh < d->out_height; oh++) for (int ow = 0; ow < d->out_width; ow++) {
      int64_t acc = bias ? bias[co] : 0;
      for (int ci = 0; ci < cg; ci++) for (int kh = 0; kh < d->kernel_height; kh++) for (int kw = 0; kw < d->kernel_width; kw++) {
        int ih = oh * d->stride_height - d->pad_top + kh * d->dilation_height, iw = ow * d->stride_width - d->pad_left + kw * d->dilation_width;
        int xv = d->input_zero_point;
        if (ih >= 0 && ih < d->in_height && iw >= 0 && iw < d->in_width) { uint8_t b = x[((size_t)(g*cg+ci)*d->in_height + ih)*d->in_width + iw]; xv = d->input_is_signed ? (int)(int8_t)b + 128 : b; }
        acc += (int64_t)(xv - d->input_zero_point) * w[(((size_t)co*cg + ci)*d->kernel_height + kh)*d->kernel_width + kw];
      }
      float f = (float)(int32_t)acc * mult[co];
      float lo = d->output_min - d->output_zero_point, hi = d->output_max - d->output_zero_point;
      f = f < lo ? lo : f; f = f > hi ? hi : f;
      y[((size_t)co*d->out_height + oh)*d->out_width + ow] = (uint8_t)((int)nearbyintf(f) + d->output_zero_point);
    }
  }
}
static int run(const hiyari_qconv_desc *d, const uint8_t *x, const int8_t *w, const int32_t *b, const float *m, uint8_t *y, uint32_t feat, int split) {
  hiyari_qconv *c = hiyari_qconv_create(d, w, b, m, feat);
  if (!c) { printf("create failed\n"); exit(1); }
  hiyari_qconv_info info; hiyari_qconv_get_info(c, &info);
  uint8_t *buf = calloc(1, info.buffer_bytes);
  if (split) { for (int u = 0; u < info.pack_units; u += 3) hiyari_qconv_pack_input(c, x, buf, u, u + 3 > info.pack_units ? info.pack_units : u + 3); }
  else hiyari_qconv_pack_input(c, x, buf, 0, info.pack_units);
  if (split) {
    int cb = info.kind == 0 ? info.channel_block : 3;
    for (int c0 = 0; c0 < d->out_channels; c0 += cb) for (int p = 0; p < info.virtual_pixels; p += 37)
      hiyari_qconv_compute(c, buf, y, c0, c0 + cb, p, p + 37);
  } else
    hiyari_qconv_compute(c, buf, y, 0, d->out_channels, 0, info.virtual_pixels);
  free(buf); int path = info.path; hiyari_qconv_destroy(c); return path;
}
static int hist[8];
#ifdef EMU
uint64_t hiyari_int8_peak_avx512(int64_t i) { return 0; }
uint64_t hiyari_int8_peak_avxvnni(int64_t i) { return 0; }
uint64_t hiyari_int8_peak_avx2(int64_t i) { return 0; }
uint64_t hiyari_int8_peak_avx2_u8s7(int64_t i) { return 0; }
#endif
int main(int argc, char **argv) {
  uint32_t all = hiyari_cpu_features();
  uint32_t masks[] = {0, HIYARI_CPU_AVX2 | HIYARI_CPU_FMA, HIYARI_CPU_AVX2 | HIYARI_CPU_FMA | HIYARI_CPU_AVXVNNI, HIYARI_CPU_AVX2 | HIYARI_CPU_FMA | HIYARI_CPU_AVXVNNI | HIYARI_CPU_AVX512F | HIYARI_CPU_AVX512BW | HIYARI_CPU_AVX512VNNI, HIYARI_CPU_NEON|HIYARI_CPU_NEON_DOTPROD, HIYARI_CPU_NEON};
  enum { MASKS = sizeof masks / sizeof masks[0] };
#ifdef EMU
  all = 0xFFFFFFFF;
#endif
  int fails = 0, cases = argc > 1 ? atoi(argv[1]) : 300;
  for (int t = 0; t < cases; t++) {
    hiyari_qconv_desc d = {0};
    int dw = rnd() % 4 == 0;
    d.groups = dw ? 0 : (rnd() % 5 == 0 ? 1 + rnd() % 3 : 1);
    int cg = 1 + rnd() % 40, mg = 1 + rnd() % 40;
    if (rnd() % 5 == 0) cg = 3;
    if (dw) { d.groups = 1 + rnd() % 20; cg = 1; mg = 1; }
    d.in_channels = cg * d.groups; d.out_channels = mg * d.groups;
    d.in_height = 1 + rnd() % 20; d.in_width = 1 + rnd() % 40;
    d.kernel_height = 1 + rnd() % 3; d.kernel_width = 1 + rnd() % 3;
    if (rnd() % 3 == 0) d.kernel_height = d.kernel_width = 3;
    if (rnd()%10==0) d.kernel_height = d.kernel_width = 5;
    d.stride_height = 1 + rnd() % 2; d.stride_width = rnd()%8==0 ? 3 : 1 + rnd() % 2;
    d.dilation_height = rnd() % 6 == 0 ? 2 : 1; d.dilation_width = rnd() % 6 == 0 ? 2 : 1;
    d.pad_top = rnd() % 3; d.pad_left = rnd() % 3; int pb = rnd() % 3, pr = rnd() % 3;
    int eh = (d.kernel_height - 1) * d.dilation_height + 1, ew = (d.kernel_width - 1) * d.dilation_width + 1;
    if (d.in_height + d.pad_top + pb < eh) pb = eh; if (d.in_width + d.pad_left + pr < ew) pr = ew;
    d.out_height = (d.in_height + d.pad_top + pb - eh) / d.stride_height + 1;
    d.out_width = (d.in_width + d.pad_left + pr - ew) / d.stride_width + 1;
    d.input_is_signed = rnd() % 2; d.input_zero_point = rnd() % 256;
    d.output_is_signed = rnd() % 2; 
    d.output_min = d.output_is_signed ? -128 : 0; d.output_max = d.output_is_signed ? 127 : 255;
    d.output_zero_point = d.output_is_signed ? (int)(rnd()%256) - 128 : (int)(rnd() % 256);
    if (rnd() % 3 == 0) d.output_min = d.output_zero_point;
    if (rnd() % 5 == 0) { d.output_max = d.output_zero_point + 20 > d.output_max ? d.output_max : d.output_zero_point + 20; if (d.output_min > d.output_max) d.output_min = d.output_max; }
    size_t xs = (size_t)d.in_channels * d.in_height * d.in_width, ws = (size_t)d.out_channels * cg * d.kernel_height * d.kernel_width, ys = (size_t)d.out_channels * d.out_height * d.out_width;
    uint8_t *x = malloc(xs); int8_t *w = malloc(ws); int32_t *b = malloc(4 * d.out_channels); float *m = malloc(4 * d.out_channels);
    for (size_t i = 0; i < xs; i++) x[i] = rnd();
    int extreme = rnd() % 4 == 0;
    for (size_t i = 0; i < ws; i++) w[i] = extreme ? (rnd() % 2 ? -128 : 127) : (int8_t)rnd();
    if (extreme) for (size_t i = 0; i < xs; i++) x[i] = rnd()%2 ? 255 : 0;
    // 7-bit weights (-64...64) send AVX2 GEMMs to the vpmaddubsw path; extreme ones sit at its
    // saturation edge (255 * 64 * 2 = 32640).
    if (rnd() % 3 == 0) for (size_t i = 0; i < ws; i++) w[i] = extreme ? (rnd() % 2 ? -64 : 64) : (int8_t)(rnd() % 129) - 64;
    for (int i = 0; i < d.out_channels; i++) { b[i] = (int32_t)(rnd() % 200001) - 100000; m[i] = (float)(rnd() % 10000 + 1) * 1e-7f * (extreme ? 0.01f : 1); }
    uint8_t *yr = malloc(ys), *yp = malloc(ys);
    (void)(rnd() % 4);  // keeps the case sequence of the original harness
    int usebias = rnd() % 4 != 0;
    ref(&d, x, w, usebias ? b : NULL, m, yr);
    for (int k = 0; k < MASKS; k++) {
      memset(yp, 0xAB, ys);
      int path = run(&d, x, w, usebias ? b : NULL, m, yp, masks[k] & all, t & 1);
      hist[path]++;
      if (memcmp(yr, yp, ys)) { size_t bad = 0, first = 0; for (size_t i = 0; i < ys; i++) if (yr[i] != yp[i]) { if (!bad) first = i; bad++; }
        printf("case %d path %d mismatch %zu/%zu first %zu ref %d got %d | C%d->%d g%d %dx%d k%dx%d s%d,%d d%d,%d p%d,%d out %dx%d\n", t, path, bad, ys, first, yr[first], yp[first], d.in_channels, d.out_channels, d.groups, d.in_height, d.in_width, d.kernel_height, d.kernel_width, d.stride_height, d.stride_width, d.dilation_height, d.dilation_width, d.pad_top, d.pad_left, d.out_height, d.out_width); fails++; }
    }
    free(x); free(w); free(b); free(m); free(yr); free(yp);
  }
  // Runs per path id 0, 1, ... (HIYARI_QCONV_*); run.sh checks which paths ran.
  printf("%d cases, %d failures; paths", cases, fails);
  for (int i = 0; i <= HIYARI_QCONV_NEON; i++) printf(" %d", hist[i]);
  printf("\n");
  return fails != 0;
}
