// N-API entry points of the depthwise convolution (depthwise.cc) and of the convolutions with a fused
// bias and activation (conv.cc, depthwise.cc).
#include <cstdlib>

#include "addon_common.h"
#include "addon_conv.h"
#include "simd.h"

namespace dt {

namespace {

// [n, h, w, c, kh, kw, oh, ow, sh, sw, dh, dw, pt, pl, multiplier]
bool read_dw(Args& args, size_t i, DwArgs* a) {
  idx m = 0;
  if (!read_geom(args, i, &a->g, &m)) return false;
  a->m = m;
  if (m < 1) {
    args.range_error("depthwise multiplier must be at least 1");
    return false;
  }
  return true;
}

// dwFn(in0, in1, out, geom): the two inputs and the output differ per kernel; sizes are checked.
napi_value DepthwiseConv2d(napi_env env, napi_callback_info info) {
  Args args(env, info, "depthwiseConv2d");
  idx lx = 0, lw = 0, lo = 0;
  DwArgs a{};
  a.x = args.f32(0, &lx);
  a.w = args.f32(1, &lw);
  a.out = args.f32(2, &lo);
  if (args.failed || !read_dw(args, 3, &a)) return nullptr;
  a.g.x = a.x;
  const ConvGeom& g = a.g;
  if (!check_len(args, lx, g.n * g.h * g.w * g.c, "x") || !check_len(args, lw, g.kh * g.kw * g.c * a.m, "filter") ||
      !check_len(args, lo, g.rows() * g.c * a.m, "output"))
    return nullptr;
  args.run([=] { depthwise_conv2d(a); });
  return args.undefined();
}

napi_value DepthwiseConv2dBackpropInput(napi_env env, napi_callback_info info) {
  Args args(env, info, "depthwiseConv2dBackpropInput");
  idx ly = 0, lw = 0, lx = 0;
  DwArgs a{};
  a.dy = args.f32(0, &ly);
  a.w = args.f32(1, &lw);
  a.out = args.f32(2, &lx);
  if (args.failed || !read_dw(args, 3, &a)) return nullptr;
  const ConvGeom& g = a.g;
  if (!check_len(args, ly, g.rows() * g.c * a.m, "dy") || !check_len(args, lw, g.kh * g.kw * g.c * a.m, "filter") ||
      !check_len(args, lx, g.n * g.h * g.w * g.c, "dx"))
    return nullptr;
  depthwise_conv2d_backprop_input(a);
  return args.undefined();
}

napi_value DepthwiseConv2dBackpropFilter(napi_env env, napi_callback_info info) {
  Args args(env, info, "depthwiseConv2dBackpropFilter");
  idx lx = 0, ly = 0, lw = 0;
  DwArgs a{};
  a.x = args.f32(0, &lx);
  a.dy = args.f32(1, &ly);
  float* dw = args.f32(2, &lw);
  if (args.failed || !read_dw(args, 3, &a)) return nullptr;
  a.g.x = a.x;
  const ConvGeom& g = a.g;
  if (!check_len(args, lx, g.n * g.h * g.w * g.c, "x") || !check_len(args, ly, g.rows() * g.c * a.m, "dy") ||
      !check_len(args, lw, g.kh * g.kw * g.c * a.m, "dw"))
    return nullptr;
  depthwise_conv2d_backprop_filter(a, dw);
  return args.undefined();
}

// depthwiseConv2dBackprop(x, dy, w, dx, dw, geom): both gradients in one pass.
napi_value DepthwiseConv2dBackprop(napi_env env, napi_callback_info info) {
  Args args(env, info, "depthwiseConv2dBackprop");
  idx lx = 0, ly = 0, lw = 0, ldx = 0, ldw = 0;
  DwArgs a{};
  a.x = args.f32(0, &lx);
  a.dy = args.f32(1, &ly);
  a.w = args.f32(2, &lw);
  a.out = args.f32(3, &ldx);
  float* dw = args.f32(4, &ldw);
  if (args.failed || !read_dw(args, 5, &a)) return nullptr;
  a.g.x = a.x;
  const ConvGeom& g = a.g;
  const idx taps_cm = g.kh * g.kw * g.c * a.m;
  if (!check_len(args, lx, g.n * g.h * g.w * g.c, "x") || !check_len(args, ly, g.rows() * g.c * a.m, "dy") ||
      !check_len(args, lw, taps_cm, "filter") || !check_len(args, ldx, g.n * g.h * g.w * g.c, "dx") ||
      !check_len(args, ldw, taps_cm, "dw"))
    return nullptr;
  depthwise_conv2d_backprop(a, dw);
  return args.undefined();
}

// Reads the epilogue arguments at i (bias: Float32Array of `n` or null) and i + 1 (0 linear, 1 relu,
// 2 relu6).
bool read_epilogue(Args& args, size_t i, idx n, const float** bias, int* act) {
  idx lb = 0;
  *bias = args.is_null(i) ? nullptr : args.f32(i, &lb);
  idx a = args.integer(i + 1);
  if (args.failed) return false;
  if (*bias && !check_len(args, lb, n, "bias")) return false;
  if (a < 0 || a > 2) {
    args.range_error("activation code must be 0 (linear), 1 (relu) or 2 (relu6)");
    return false;
  }
  *act = static_cast<int>(a);
  return true;
}

// conv2dBiasActivation(x, w, bias | null, act, out, geom, packed | null, residual | null)
napi_value Conv2dBiasActivation(napi_env env, napi_callback_info info) {
  Args args(env, info, "conv2dBiasActivation");
  idx lx = 0, lw = 0, lo = 0, cout = 0;
  const float* x = args.f32(0, &lx);
  const float* w = args.f32(1, &lw);
  float* out = args.f32(4, &lo);
  ConvGeom g;
  if (args.failed || !read_geom(args, 5, &g, &cout)) return nullptr;
  const float* bias = nullptr;
  int act = 0;
  if (!read_epilogue(args, 2, cout, &bias, &act)) return nullptr;
  g.x = x;
  if (!check_len(args, lx, g.n * g.h * g.w * g.c, "x") || !check_len(args, lw, g.cols() * cout, "filter") ||
      !check_len(args, lo, g.rows() * cout, "output"))
    return nullptr;
  // Argument 6: the filter prepared by conv2dPackFilter (ignored when prepared for another kernel or path).
  void* packed = nullptr;
  size_t bytes = 0;
  if (args.argc > 6 && !args.is_null(6)) {
    bool is_ab = false;
    napi_is_arraybuffer(env, args.argv[6], &is_ab);
    if (!is_ab || napi_get_arraybuffer_info(env, args.argv[6], &packed, &bytes) != napi_ok) {
      args.fail("an ArrayBuffer from conv2dPackFilter, or null", 6);
      return nullptr;
    }
  }
  // Argument 7: a residual added before the activation, laid out as the output (null: none).
  const float* residual = nullptr;
  if (args.argc > 7 && !args.is_null(7)) {
    idx lr = 0;
    residual = args.f32(7, &lr);
    if (args.failed || !check_len(args, lr, g.rows() * cout, "residual")) return nullptr;
  }
  args.run([=] { conv2d_bias_act(g, w, cout, bias, act, out, packed, static_cast<idx>(bytes), residual); });
  return args.undefined();
}

// conv2dPackFilter(w, geom) -> ArrayBuffer | null: the filter prepared once for this convolution (packed
// for its GEMM, or transformed for Winograd), to pass to conv2dBiasActivation on later calls with the
// same filter (null when a direct kernel reads the filter as it is). 64-byte aligned, outside the V8 heap.
napi_value Conv2dPackFilter(napi_env env, napi_callback_info info) {
  Args args(env, info, "conv2dPackFilter");
  args.no_kernel();
  idx lw = 0, cout = 0;
  const float* w = args.f32(0, &lw);
  ConvGeom g;
  if (args.failed || !read_geom(args, 1, &g, &cout)) return nullptr;
  if (!check_len(args, lw, g.cols() * cout, "filter")) return nullptr;
  const idx bytes = conv2d_packed_bytes(g, cout);
  if (bytes == 0) return make_null(env);
  void* buf = std::aligned_alloc(64, static_cast<size_t>((bytes + 63) / 64 * 64));
  if (!buf) {
    napi_throw_range_error(env, nullptr, "deepts native conv2dPackFilter: out of memory");
    return nullptr;
  }
  conv2d_pack_filter(g, w, cout, buf);
  napi_value result;
  if (napi_create_external_arraybuffer(env, buf, static_cast<size_t>(bytes), [](napi_env, void* p, void*) { std::free(p); }, nullptr,
                                       &result) != napi_ok) {
    std::free(buf);
    napi_throw_error(env, nullptr, "deepts native conv2dPackFilter: could not create the buffer");
    return nullptr;
  }
  return result;
}

// depthwiseConv2dBiasActivation(x, w, bias | null, act, out, geom)
napi_value DepthwiseConv2dBiasActivation(napi_env env, napi_callback_info info) {
  Args args(env, info, "depthwiseConv2dBiasActivation");
  idx lx = 0, lw = 0, lo = 0;
  DwArgs a{};
  a.x = args.f32(0, &lx);
  a.w = args.f32(1, &lw);
  a.out = args.f32(4, &lo);
  if (args.failed || !read_dw(args, 5, &a)) return nullptr;
  a.g.x = a.x;
  const ConvGeom& g = a.g;
  const float* bias = nullptr;
  int act = 0;
  if (!read_epilogue(args, 2, g.c * a.m, &bias, &act)) return nullptr;
  if (!check_len(args, lx, g.n * g.h * g.w * g.c, "x") || !check_len(args, lw, g.kh * g.kw * g.c * a.m, "filter") ||
      !check_len(args, lo, g.rows() * g.c * a.m, "output"))
    return nullptr;
  args.run([=] { depthwise_conv2d_bias_act(a, bias, act); });
  return args.undefined();
}

// expandDepthwise(x, w1, bias1 | null, act1, packed1 | null, w2, bias2 | null, act2, out, geom): geom is the
// depthwise convolution's over the expanded input [n, h, w, ce] (x is [n, h, w, cin], w1 [cin, ce]).
napi_value ExpandDepthwiseFn(napi_env env, napi_callback_info info) {
  Args args(env, info, "expandDepthwise");
  idx lx = 0, l1 = 0, l2 = 0, lo = 0;
  ExpandDepthwise e{};
  e.x = args.f32(0, &lx);
  e.w1 = args.f32(1, &l1);
  const float* w2 = args.f32(5, &l2);
  float* out = args.f32(8, &lo);
  if (args.failed || !read_dw(args, 9, &e.dw)) return nullptr;
  const ConvGeom& g = e.dw.g;
  if (e.dw.m != 1) return args.range_error("expandDepthwise: depthwise multiplier must be 1");
  if (g.n > 0 && g.h * g.w > 0) e.cin = lx / (g.n * g.h * g.w);
  if (!read_epilogue(args, 2, g.c, &e.bias1, &e.act1) || !read_epilogue(args, 6, g.c, &e.dw.bias, &e.dw.act)) return nullptr;
  if (!check_len(args, lx, g.n * g.h * g.w * e.cin, "x") || !check_len(args, l1, e.cin * g.c, "expand filter") ||
      !check_len(args, l2, g.kh * g.kw * g.c, "depthwise filter") || !check_len(args, lo, g.rows() * g.c, "output"))
    return nullptr;
  if (!args.is_null(4)) {
    bool is_ab = false;
    void* p = nullptr;
    size_t bytes = 0;
    napi_is_arraybuffer(env, args.argv[4], &is_ab);
    if (!is_ab || napi_get_arraybuffer_info(env, args.argv[4], &p, &bytes) != napi_ok) {
      args.fail("an ArrayBuffer from conv2dPackFilter, or null", 4);
      return nullptr;
    }
    e.packed = p;
    e.packed_bytes = static_cast<idx>(bytes);
  }
  e.dw.w = w2;
  e.dw.out = out;
  args.run([=] { expand_depthwise(e); });
  return args.undefined();
}

}  // namespace

void register_conv_kernels(napi_env env, napi_value exports) {
  export_functions(env, exports, {
      {"depthwiseConv2d", DepthwiseConv2d},
      {"conv2dPackFilter", Conv2dPackFilter},
      {"depthwiseConv2dBackpropInput", DepthwiseConv2dBackpropInput},
      {"depthwiseConv2dBackpropFilter", DepthwiseConv2dBackpropFilter},
      {"depthwiseConv2dBackprop", DepthwiseConv2dBackprop},
      {"conv2dBiasActivation", Conv2dBiasActivation},
      {"depthwiseConv2dBiasActivation", DepthwiseConv2dBiasActivation},
      {"expandDepthwise", ExpandDepthwiseFn},
  });
}

}  // namespace dt
