// The kernels the addon exposes (beyond GEMM itself), all float32 over caller-owned buffers.
#pragma once
#include "common.h"

namespace dt {

// c[p] = op(a[ai[p]]) * op(b[bi[p]]) for p in [0, nb); null index arrays mean p.
void matmul(const float* a, const float* b, float* c, idx nb, const std::int32_t* ai, const std::int32_t* bi, idx m,
            idx n, idx k, bool ta, bool tb);

}  // namespace dt

namespace dt {

// out [n, oh, ow, cout] = conv2d(g.x, w [kh, kw, c, cout]).
void conv2d(const ConvGeom& g, const float* w, idx cout, float* out);
// dx [n, h, w, c] from dy [n, oh, ow, cout]; g describes the forward conv (g.x unused).
void conv2d_backprop_input(const ConvGeom& g, const float* dy, const float* w, idx cout, float* dx);
// dw [kh, kw, c, cout] from g.x and dy [n, oh, ow, cout].
void conv2d_backprop_filter(const ConvGeom& g, const float* dy, idx cout, float* dw);

}  // namespace dt
