// Hiyari's C micro-kernels. Each kernel family has a scalar reference and SIMD variants chosen at
// run time from the CPU's features; every variant must match its reference bit for bit.
#ifndef HIYARI_CKERNELS_H
#define HIYARI_CKERNELS_H

#include <stddef.h>
#include <stdint.h>

#include "cpu_features.h"
#include "preprocess.h"
#include "qconv.h"
#include "qelementwise.h"

#endif
