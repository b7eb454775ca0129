// Direct convolution for few input channels (the stems: 7x7x3, 3x3x3), where im2col runs of c floats
// starve the GEMM's packing: the taps are broadcast straight from the (padded) input and the filter is
// packed in panels of 16 output channels. Kernels compiled per instruction set (simd_conv_direct.inc).
#pragma once
#include "common.h"

namespace dt {

struct DirectConv {
  const float* x;  // input, already padded: window (oy, ox) starts at x[b * bs + (oy * sh * wp + ox * sw) * c]
  idx n, bs, wp, c;
  idx kh, kw, oh, ow, sh, sw, dh;
  idx cout, np;      // output channels and panels of 16 of them
  const idx* off;    // kw * c offsets of the taps of one filter row: kx * dw * c + ci
  const float* wpk;  // forward: filter as [np][kh * kw * c][16] (zero past cout)
  float* out;        // forward: [n, oh, ow, cout]
  const float* dy;   // backprop filter: [n, oh, ow, cout]
  const float* bias;  // forward epilogue: + bias [cout] (null: none), then activation `act`
  int act;            // 0 linear, 1 relu, 2 relu6 (NaN passes through, as in the js kernels)
};

// Output rows per chunk of the filter gradient (its dy panels stay in L2): about 512 pixels.
inline idx direct_chunk_rows(idx ow) { return ow >= 512 ? 1 : 512 / ow; }

#define DT_DIRECT_DECLS                                                                  \
  void conv_direct_rows(const DirectConv& d, idx r0, idx r1);                             \
  void conv_direct_filter_rows(const DirectConv& d, idx r0, idx r1, float* dwt, float* dyp);          \
  /* dx rows [r0, r1) of n * h for stride 1 and g.c <= 4 input channels (simd_conv_input.inc) */     \
  void conv_input_grad_rows(const ConvGeom& g, const float* dy, const float* w, idx cout, float* dx, idx r0, idx r1);

namespace generic {
DT_DIRECT_DECLS
}
namespace avx2 {
DT_DIRECT_DECLS
}
namespace avx512 {
DT_DIRECT_DECLS
}

}  // namespace dt
