// Maps the AVX-512 / AVX-VNNI intrinsics the int8 kernels use onto SIMDe, so those paths run
// (slowly, exactly) on CPUs without them. Included through HIYARI_QCONV_EMULATE_HEADER.
#define SIMDE_ENABLE_NATIVE_ALIASES
#include <simde/x86/avx512.h>
#include <math.h>
static inline simde__m512 emu_cvtepi32_ps(simde__m512i a) { simde__m512i_private p = simde__m512i_to_private(a); simde__m512_private r; for (int i = 0; i < 16; i++) r.f32[i] = (float)p.i32[i]; return simde__m512_from_private(r); }
static inline simde__m512i emu_cvt_roundps_epi32(simde__m512 a) { simde__m512_private p = simde__m512_to_private(a); simde__m512i_private r; for (int i = 0; i < 16; i++) r.i32[i] = (int32_t)nearbyintf(p.f32[i]); return simde__m512i_from_private(r); }
static inline simde__m128i emu_cvtepi32_epi8(simde__m512i a) { simde__m512i_private p = simde__m512i_to_private(a); simde__m128i_private r; for (int i = 0; i < 16; i++) r.i8[i] = (int8_t)p.i32[i]; return simde__m128i_from_private(r); }
static inline simde__m512i emu_cvtepu8_epi32(simde__m128i a) { simde__m128i_private p = simde__m128i_to_private(a); simde__m512i_private r; for (int i = 0; i < 16; i++) r.i32[i] = p.u8[i]; return simde__m512i_from_private(r); }
static inline void emu_mask_storeu_epi8(void *d, uint16_t k, simde__m128i a) { simde__m128i_private p = simde__m128i_to_private(a); for (int i = 0; i < 16; i++) if (k >> i & 1) ((uint8_t *)d)[i] = p.u8[i]; }
static inline int32_t emu_reduce_add(simde__m512i a) { simde__m512i_private p = simde__m512i_to_private(a); int32_t s = 0; for (int i = 0; i < 16; i++) s += p.i32[i]; return s; }
#define _mm512_cvtepi32_ps emu_cvtepi32_ps
#define _mm512_cvt_roundps_epi32(a, r) emu_cvt_roundps_epi32(a)
#define _mm512_cvtepi32_epi8 emu_cvtepi32_epi8
#define _mm512_cvtepu8_epi32 emu_cvtepu8_epi32
#define _mm_mask_storeu_epi8 emu_mask_storeu_epi8
#define _mm512_reduce_add_epi32 emu_reduce_add
#define _mm256_dpbusd_avx_epi32 simde_mm256_dpbusd_epi32
#ifndef __mmask16
typedef uint16_t __mmask16;
#endif
#ifndef _MM_FROUND_NO_EXC
#define _MM_FROUND_NO_EXC 0x08
#endif
