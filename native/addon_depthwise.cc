// N-API entry points of the depthwise convolution (depthwise.cc).
#include "addon_common.h"
#include "depthwise.h"
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
  depthwise_conv2d(a);
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

}  // namespace

void register_depthwise_kernels(napi_env env, napi_value exports) {
  struct Fn {
    const char* name;
    napi_callback cb;
  } fns[] = {
      {"depthwiseConv2d", DepthwiseConv2d},
      {"depthwiseConv2dBackpropInput", DepthwiseConv2dBackpropInput},
      {"depthwiseConv2dBackpropFilter", DepthwiseConv2dBackpropFilter},
  };
  for (const Fn& f : fns) {
    napi_value v;
    napi_create_function(env, f.name, NAPI_AUTO_LENGTH, f.cb, nullptr, &v);
    napi_set_named_property(env, exports, f.name, v);
  }
}

}  // namespace dt
