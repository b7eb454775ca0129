// Loop kernels compiled once per instruction set (simd_<isa>.cc include simd.inc), and the
// dispatch to the variant the CPU runs best. Each works on a range of rows so callers can split work
// over threads.
#pragma once
#include "common.h"

namespace dt {

// Depthwise conv: geometry g (x = input, c channels), filter [kh, kw, c, m], output channels c * m.
struct DwArgs {
  ConvGeom g;
  idx m;
  const float* x;
  const float* w;
  const float* dy;
  float* out;
  // Inner output pixels with non-temporal stores (dw_forward, multiplier 1): for outputs far larger than the
  // cache, whose lines would otherwise be read before being written. Needs out 16-byte aligned, c % 4 == 0.
  bool stream = false;
  // dw_forward's epilogue: + bias [c * m] (null: none), then act (0 linear, 1 relu, 2 relu6).
  const float* bias = nullptr;
  int act = 0;
};

// A 1x1 convolution then a depthwise one (expand_depthwise.cc): x [n, h, w, cin] * w1 [cin, ce] (+ bias1,
// act1) -> the expanded input of dw (whose g describes it, with dw.x unset), dw's epilogue in dw.bias/act.
struct ExpandDepthwise {
  const float* x;
  idx cin;
  const float* w1;
  const float* bias1;
  int act1;
  const void* packed;  // w1 prepared by conv2d_pack_filter (null or stale: packed per band)
  idx packed_bytes;
  DwArgs dw;
};

// Pooling geometry (NHWC); windows clipped to the input, as TensorFlow does.
struct PoolArgs {
  idx n, h, w, c, kh, kw, oh, ow, sh, sw, pt, pl;
  const float* x;
  const float* dy;
  float* out;
  idx c0, c1;  // channel range (backprops split channels over threads)
};

// Winograd F(2x2, 3x3) over an NHWC input: th x tw tiles of 2x2 outputs per image (native/winograd.cc).
struct WinoArgs {
  const float* x;
  idx n, h, w, c;
  idx oh, ow, pt, pl;
  idx th, tw;
  idx cout;
  const float* bias;
  int act;
  float* out;
};

#define DT_SIMD_DECLS                                                                 \
  void dw_forward(const DwArgs& a, idx r0, idx r1);                                  \
  void dw_backprop_input(const DwArgs& a, idx r0, idx r1);                           \
  void dw_backprop_filter(const DwArgs& a, idx r0, idx r1, float* dw);               \
  void max_pool(const PoolArgs& a, idx r0, idx r1);                                  \
  void avg_pool(const PoolArgs& a, idx r0, idx r1);                                  \
  void max_pool_backprop(const PoolArgs& a, idx b0, idx b1, idx* arg);               \
  void max_pool_backprop_tiled(const PoolArgs& a, idx r0, idx r1);                    \
  void avg_pool_backprop(const PoolArgs& a, idx b0, idx b1, float* share);           \
  void unary_f32(int op, const float* x, float* y, idx n);                           \
  void binary_f32(int op, const float* a, idx sa, const float* b, idx sb, float* y, idx n); \
  void reduce_rows(int op, const float* x, idx rows, idx len, float* y);            \
  void reduce_cols(int op, const float* x, idx outer, idx len, idx inner, idx ld, float* y, idx ldy, double* acc); \
  void gemm_small_m(idx m, idx k, const float* a, idx ars, idx acs, const float* b, idx ldb, float* c, idx ldc,  \
                    idx j0, idx j1, int acc);                                                                   \
  void gemm_dot(idx k, const float* a, idx lda, const float* b, float* c, idx ldc, idx i0, idx i1, int acc); \
  void wino_input(const WinoArgs& a, idx t0, idx t1, float* v, const float* zeros);                            \
  void wino_output(const WinoArgs& a, idx t0, idx t1, const float* m, float* sink);                             \
  void wino_filter(const float* w, idx cin, idx cout, float* U, idx i0, idx i1);                               \
  void wino_dy(const WinoArgs& a, idx t0, idx t1, const float* dy, float* m, const float* zeros);              \
  void wino_filter_grad(const float* du, idx nacc, idx stride, idx cin, idx cout, float* dw, idx i0, idx i1);

namespace generic {
DT_SIMD_DECLS
}
namespace avx2 {
DT_SIMD_DECLS
}
namespace avx512 {
DT_SIMD_DECLS
}

// Calls the variant of `fn` for the active instruction set.
#define DT_SIMD_CALL(fn, ...)                       \
  do {                                              \
    switch (isa_active()) {                         \
      case Isa::avx512:                             \
        avx512::fn(__VA_ARGS__);                    \
        break;                                      \
      case Isa::avx2:                               \
        avx2::fn(__VA_ARGS__);                      \
        break;                                      \
      default:                                      \
        generic::fn(__VA_ARGS__);                   \
    }                                               \
  } while (0)

// Unary and binary op codes shared with the TypeScript side (src/backends/native/elementwise.ts).
enum UnaryCode { U_NEG, U_ABS, U_SQUARE, U_SQRT, U_RSQRT, U_RECIPROCAL, U_EXP, U_LOG, U_TANH, U_SIGMOID, U_RELU, U_RELU6, U_SOFTPLUS, U_COUNT };
enum BinaryCode { B_ADD, B_SUB, B_MUL, B_DIV, B_MAXIMUM, B_MINIMUM, B_COUNT };
enum ReduceCode { R_SUM, R_MAX, R_MIN, R_COUNT };

}  // namespace dt
