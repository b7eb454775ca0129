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
// The same with a fused epilogue: + bias [cout] (null: none), then act (0 linear, 1 relu, 2 relu6).
void conv2d_bias_act(const ConvGeom& g, const float* w, idx cout, const float* bias, int act, float* out);
// dx [n, h, w, c] from dy [n, oh, ow, cout]; g describes the forward conv (g.x unused).
void conv2d_backprop_input(const ConvGeom& g, const float* dy, const float* w, idx cout, float* dx);
// dw [kh, kw, c, cout] from g.x and dy [n, oh, ow, cout].
void conv2d_backprop_filter(const ConvGeom& g, const float* dy, idx cout, float* dw);

}  // namespace dt

namespace dt {

struct DwArgs;
struct PoolArgs;

void depthwise_conv2d(const DwArgs& a);
// With a fused epilogue: + bias [c * m] (null: none), then act (0 linear, 1 relu, 2 relu6).
void depthwise_conv2d_bias_act(const DwArgs& a, const float* bias, int act);
void depthwise_conv2d_backprop_input(const DwArgs& a);
void depthwise_conv2d_backprop_filter(const DwArgs& a, float* dw);
// Both gradients (a.x, a.dy, a.w; dx to a.out, the filter gradient to dw) in one pass over x and dy.
void depthwise_conv2d_backprop(const DwArgs& a, float* dw);
void max_pool2d(const PoolArgs& a);
void avg_pool2d(const PoolArgs& a);
void max_pool2d_backprop(const PoolArgs& a);
void avg_pool2d_backprop(const PoolArgs& a);
void unary(int op, const float* x, float* y, idx n);
// y = a op b over an output of `shape` (rank <= 8); sa/sb: element strides of a and b (0 broadcasts),
// each operand's innermost stride 0 or 1.
void binary(int op, const float* a, const float* b, float* y, int rank, const idx* shape, const idx* sa, const idx* sb);
// x [outer, len, inner] -> y [outer, inner], reduced over len.
void reduce(int op, const float* x, float* y, idx outer, idx len, idx inner);
void transpose(const float* x, float* y, int rank, const idx* shape, const int* perm);

}  // namespace dt
