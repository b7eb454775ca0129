// AVX2 + FMA micro-kernel, 6 x 16 (12 ymm accumulators). Compiled with -mavx2 -mfma; only called
// after a run-time CPU check. No standard-library templates here: an inline function instantiated in
// this file with AVX encodings could be picked by the linker for code that runs on older CPUs.
#include "common.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>

namespace dt {
namespace {

#define DT_ROW(r)                                             \
  {                                                           \
    __m256 ar = _mm256_broadcast_ss(a + (r));                 \
    c##r##0 = _mm256_fmadd_ps(ar, b0, c##r##0);               \
    c##r##1 = _mm256_fmadd_ps(ar, b1, c##r##1);               \
  }

#define DT_STORE(r)                                                            \
  if (acc) {                                                                   \
    c##r##0 = _mm256_add_ps(c##r##0, _mm256_loadu_ps(c + (r) * ldc));          \
    c##r##1 = _mm256_add_ps(c##r##1, _mm256_loadu_ps(c + (r) * ldc + 8));      \
  }                                                                            \
  _mm256_storeu_ps(c + (r) * ldc, c##r##0);                                    \
  _mm256_storeu_ps(c + (r) * ldc + 8, c##r##1);

void kernel_6x16(idx kc, const float* a, const float* b, float* c, idx ldc, int acc) {
  __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps();
  __m256 c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
  __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps();
  __m256 c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
  __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps();
  __m256 c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
  for (int r = 0; r < 6; r++) _mm_prefetch(reinterpret_cast<const char*>(c + r * ldc), _MM_HINT_T0);
  idx p = 0;
  for (; p + 4 <= kc; p += 4) {
    _mm_prefetch(reinterpret_cast<const char*>(b + 256), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(a + 96), _MM_HINT_T0);
    for (int u = 0; u < 4; u++) {
      __m256 b0 = _mm256_load_ps(b), b1 = _mm256_load_ps(b + 8);
      DT_ROW(0) DT_ROW(1) DT_ROW(2) DT_ROW(3) DT_ROW(4) DT_ROW(5)
      a += 6;
      b += 16;
    }
  }
  for (; p < kc; p++) {
    __m256 b0 = _mm256_load_ps(b), b1 = _mm256_load_ps(b + 8);
    DT_ROW(0) DT_ROW(1) DT_ROW(2) DT_ROW(3) DT_ROW(4) DT_ROW(5)
    a += 6;
    b += 16;
  }
  DT_STORE(0) DT_STORE(1) DT_STORE(2) DT_STORE(3) DT_STORE(4) DT_STORE(5)
}

#undef DT_ROW
#undef DT_STORE

}  // namespace

extern const UKernel ukernel_avx2 = {"avx2", 6, 16, 144, 256, 4080, kernel_6x16};

}  // namespace dt
#endif
