// Simple vectorizable kernels compiled for the generic instruction set (see simd.inc).
#define DT_SIMD_NS generic
#include "simd.inc"
