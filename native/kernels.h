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
// The same with a fused epilogue: + bias [cout] (null: none), + residual (null: none; laid out as out),
// then act (0 linear, 1 relu, 2 relu6).
// packed: bytes from conv2d_pack_filter for this filter (null, or packed for another path: ignored).
void conv2d_bias_act(const ConvGeom& g, const float* w, idx cout, const float* bias, int act, float* out, const void* packed = nullptr,
                     idx packed_bytes = 0, const float* residual = nullptr);
// y = act(y + res) over rows x ch: the residual epilogue of the paths that do not fuse it.
void residual_act_rows(float* y, const float* res, idx rows, idx ch, int act);
// How conv2d_bias_act would use a filter prepared once for g: the bytes to allocate (0: nothing to
// prepare, a direct kernel reads it as it is), then conv2d_pack_filter fills them (64-byte aligned buf).
idx conv2d_packed_bytes(const ConvGeom& g, idx cout);
void conv2d_pack_filter(const ConvGeom& g, const float* w, idx cout, void* buf);
// dx [n, h, w, c] from dy [n, oh, ow, cout]; g describes the forward conv (g.x unused).
void conv2d_backprop_input(const ConvGeom& g, const float* dy, const float* w, idx cout, float* dx);
// dw [kh, kw, c, cout] from g.x and dy [n, oh, ow, cout].
void conv2d_backprop_filter(const ConvGeom& g, const float* dy, idx cout, float* dw);
// Whether conv2d_winograd computes g (3x3, stride 1, no dilation, 16+ channels in and out, enough tiles;
// fewer with a prepacked filter).
bool winograd_applies(const ConvGeom& g, idx cout, bool prepacked = false);
// out [n, oh, ow, cout] = conv2d(g.x, w) + bias, act, by Winograd F(2x2, 3x3) (native/winograd.cc). With
// flip, w is [3, 3, cout, g.c] and is used mirrored with its channel axes swapped (an input gradient).
// packed: the filter already transformed by winograd_pack (then w is not read), or null.
void conv2d_winograd(const ConvGeom& g, const float* w, idx cout, bool flip, const float* bias, int act, float* out,
                     const float* packed = nullptr);
// A filter w [3, 3, cin, cout] transformed and packed once for conv2d_winograd: winograd_packed_bytes at a
// 64-byte aligned buf; winograd_packed_data gives it back, or null when packed for another kernel or shape.
idx winograd_packed_bytes(idx cin, idx cout);
void winograd_pack(const float* w, idx cin, idx cout, void* buf);
const float* winograd_packed_data(const void* buf, idx bytes, idx cin, idx cout);
// dw [3, 3, g.c, cout] from g.x and dy [n, oh, ow, cout] by the same algorithm (its adjoint), when it applies.
void conv2d_winograd_filter(const ConvGeom& g, const float* dy, idx cout, float* dw);
// Convolutions computed by conv2d_winograd and conv2d_winograd_filter so far (tests read it through info()).
std::uint64_t winograd_calls();

}  // namespace dt

namespace dt {

struct DwArgs;
struct PoolArgs;
struct ExpandDepthwise;

void depthwise_conv2d(const DwArgs& a);
// With a fused epilogue: + bias [c * m] (null: none), then act (0 linear, 1 relu, 2 relu6).
void depthwise_conv2d_bias_act(const DwArgs& a, const float* bias, int act);
// A 1x1 convolution into a depthwise one, the expanded tensor kept to a band of rows in cache (simd.h).
void expand_depthwise(const ExpandDepthwise& e);
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
