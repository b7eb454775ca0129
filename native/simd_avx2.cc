// Simple vectorizable kernels compiled for the avx2 instruction set (see simd.inc).
#define DT_SIMD_NS avx2
#include "simd.inc"
