// OpenBLAS's CBLAS interface (fp32 GEMM for the engine).
#ifndef HIYARI_COPENBLAS_SHIM_H
#define HIYARI_COPENBLAS_SHIM_H
#include <cblas.h>
#endif
