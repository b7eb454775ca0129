// The kernels the addon exposes (beyond GEMM itself), all float32 over caller-owned buffers.
#pragma once
#include "common.h"

namespace dt {

// c[p] = op(a[ai[p]]) * op(b[bi[p]]) for p in [0, nb); null index arrays mean p.
void matmul(const float* a, const float* b, float* c, idx nb, const std::int32_t* ai, const std::int32_t* bi, idx m,
            idx n, idx k, bool ta, bool tb);

}  // namespace dt
