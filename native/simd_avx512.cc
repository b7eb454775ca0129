// Simple vectorizable kernels compiled for the avx512 instruction set (see simd.inc).
#define DT_SIMD_NS avx512
#include "simd.inc"
