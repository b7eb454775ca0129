// AVX-512F micro-kernel, 12 x 32 (24 zmm accumulators). Compiled with -mavx512f; only called after a
// run-time CPU check. Like ukernel_avx2.cc, it uses no standard-library templates.
#include "common.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>

namespace dt {
namespace {

#define DT_ROW(r)                                             \
  {                                                           \
    __m512 ar = _mm512_set1_ps(a[r]);                         \
    c##r##0 = _mm512_fmadd_ps(ar, b0, c##r##0);               \
    c##r##1 = _mm512_fmadd_ps(ar, b1, c##r##1);               \
  }

#define DT_STORE(r)                                                            \
  if (acc) {                                                                   \
    c##r##0 = _mm512_add_ps(c##r##0, _mm512_loadu_ps(c + (r) * ldc));          \
    c##r##1 = _mm512_add_ps(c##r##1, _mm512_loadu_ps(c + (r) * ldc + 16));     \
  }                                                                            \
  if (ep) {                                                                    \
    c##r##0 = _mm512_add_ps(c##r##0, bias0);                                   \
    c##r##1 = _mm512_add_ps(c##r##1, bias1);                                   \
    if (res) {                                                                 \
      c##r##0 = _mm512_add_ps(c##r##0, _mm512_loadu_ps(res + (r) * ldr));      \
      c##r##1 = _mm512_add_ps(c##r##1, _mm512_loadu_ps(res + (r) * ldr + 16)); \
    }                                                                          \
    c##r##0 = activation(c##r##0, act);                                        \
    c##r##1 = activation(c##r##1, act);                                        \
  }                                                                            \
  _mm512_storeu_ps(c + (r) * ldc, c##r##0);                                    \
  _mm512_storeu_ps(c + (r) * ldc + 16, c##r##1);

#define DT_ZERO(r) __m512 c##r##0 = _mm512_setzero_ps(), c##r##1 = _mm512_setzero_ps();

// relu (act 1) or relu6 (2) as the scalar kernels do: x > 0 or NaN keeps x (clamped to 6), else +0.
inline __m512 activation(__m512 v, int act) {
  if (act == 0) return v;
  // The second operand (v) wins when it is NaN. (maskz: GCC 12 warns about _mm512_min_ps's undefined source.)
  if (act == 2) v = _mm512_maskz_min_ps(0xFFFF, _mm512_set1_ps(6.0f), v);
  __mmask16 keep = _mm512_cmp_ps_mask(v, _mm512_setzero_ps(), _CMP_GT_OQ) | _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q);
  return _mm512_maskz_mov_ps(keep, v);
}

void kernel_12x32(idx kc, const float* a, const float* b, float* c, idx ldc, int acc, const TileEpilogue* te) {
  const bool ep = te != nullptr;
  const float* bias = ep ? te->bias : nullptr;
  const float* res = ep ? te->res : nullptr;
  const idx ldr = ep ? te->ldr : 0;
  const int act = ep ? te->act : 0;
  const __m512 bias0 = bias ? _mm512_loadu_ps(bias) : _mm512_setzero_ps();
  const __m512 bias1 = bias ? _mm512_loadu_ps(bias + 16) : _mm512_setzero_ps();
  DT_ZERO(0) DT_ZERO(1) DT_ZERO(2) DT_ZERO(3) DT_ZERO(4) DT_ZERO(5)
  DT_ZERO(6) DT_ZERO(7) DT_ZERO(8) DT_ZERO(9) DT_ZERO(10) DT_ZERO(11)
  for (int r = 0; r < 12; r++) _mm_prefetch(reinterpret_cast<const char*>(c + r * ldc), _MM_HINT_T0);
  for (idx p = 0; p < kc; p++) {
    _mm_prefetch(reinterpret_cast<const char*>(b + 512), _MM_HINT_T0);
    __m512 b0 = _mm512_load_ps(b), b1 = _mm512_load_ps(b + 16);
    DT_ROW(0) DT_ROW(1) DT_ROW(2) DT_ROW(3) DT_ROW(4) DT_ROW(5)
    DT_ROW(6) DT_ROW(7) DT_ROW(8) DT_ROW(9) DT_ROW(10) DT_ROW(11)
    a += 12;
    b += 32;
  }
  DT_STORE(0) DT_STORE(1) DT_STORE(2) DT_STORE(3) DT_STORE(4) DT_STORE(5)
  DT_STORE(6) DT_STORE(7) DT_STORE(8) DT_STORE(9) DT_STORE(10) DT_STORE(11)
}

#undef DT_ROW
#undef DT_STORE
#undef DT_ZERO

}  // namespace

extern const UKernel ukernel_avx512 = {"avx512", 12, 32, 480, 384, 3072, kernel_12x32, nullptr};

}  // namespace dt
#endif
