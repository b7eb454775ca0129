// Portable micro-kernel, 6 x 8 over 128-bit GCC/Clang vector extensions: SSE2 on any x86-64, NEON on
// aarch64, scalar code elsewhere. 12 accumulators fit the 16 registers of SSE.
#include "common.h"

namespace dt {
namespace {

typedef float v4 __attribute__((vector_size(16)));

inline v4 load4(const float* p) {
  v4 v;
  __builtin_memcpy(&v, p, sizeof v);
  return v;
}
inline void store4(float* p, v4 v) { __builtin_memcpy(p, &v, sizeof v); }

// + bias, + residual, then relu (act 1) or relu6 (2): x > 0 or NaN keeps x (clamped to 6), else +0.
inline float epilogue(float v, float bias, float res, int act) {
  v = v + bias + res;
  if (act == 1) return v > 0.0f ? v : (v != v ? v : 0.0f);
  if (act == 2) return v > 0.0f ? (v < 6.0f ? v : 6.0f) : (v != v ? v : 0.0f);
  return v;
}

void kernel_6x8(idx kc, const float* a, const float* b, float* c, idx ldc, int acc, const TileEpilogue* ep) {
  v4 c0[6] = {}, c1[6] = {};
  for (idx p = 0; p < kc; p++) {
    v4 b0 = load4(b), b1 = load4(b + 4);
#pragma GCC unroll 6
    for (int r = 0; r < 6; r++) {
      v4 ar = {a[r], a[r], a[r], a[r]};
      c0[r] += ar * b0;
      c1[r] += ar * b1;
    }
    a += 6;
    b += 8;
  }
  for (int r = 0; r < 6; r++) {
    float* cr = c + r * ldc;
    if (acc) {
      c0[r] += load4(cr);
      c1[r] += load4(cr + 4);
    }
    if (ep) {
      const float* res = ep->res ? ep->res + r * ep->ldr : nullptr;
      for (int j = 0; j < 4; j++) {
        c0[r][j] = epilogue(c0[r][j], ep->bias ? ep->bias[j] : 0.0f, res ? res[j] : 0.0f, ep->act);
        c1[r][j] = epilogue(c1[r][j], ep->bias ? ep->bias[4 + j] : 0.0f, res ? res[4 + j] : 0.0f, ep->act);
      }
    }
    store4(cr, c0[r]);
    store4(cr + 4, c1[r]);
  }
}

}  // namespace

extern const UKernel ukernel_generic = {"generic", 6, 8, 120, 256, 2048, kernel_6x8, nullptr};

}  // namespace dt
