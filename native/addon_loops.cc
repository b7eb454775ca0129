// N-API entry points of the loop kernels: pooling, elementwise, reduce, transpose (depthwise conv: addon_conv.cc).
#include "addon_common.h"
#include "addon_conv.h"
#include "simd.h"

namespace dt {
namespace {

// [n, h, w, c, kh, kw, oh, ow, sh, sw, pt, pl]
bool read_pool(Args& args, size_t i, PoolArgs* a) {
  idx len = 0;
  const std::int32_t* v = args.i32(i, &len);
  if (args.failed) return false;
  if (len != 12) {
    args.range_error("pool geometry must have 12 entries");
    return false;
  }
  for (int k = 0; k < 12; k++)
    if (v[k] < 0 || (k >= 4 && k < 6 && v[k] < 1) || (k >= 8 && k < 10 && v[k] < 1)) {
      args.range_error("invalid pool geometry");
      return false;
    }
  *a = PoolArgs{v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], nullptr, nullptr, nullptr, 0, v[3]};
  return true;
}

napi_value PoolForward(napi_env env, napi_callback_info info, bool max) {
  Args args(env, info, max ? "maxPool2d" : "avgPool2d");
  idx lx = 0, lo = 0;
  const float* x = args.f32(0, &lx);
  float* out = args.f32(1, &lo);
  PoolArgs a;
  if (args.failed || !read_pool(args, 2, &a)) return nullptr;
  a.x = x;
  a.out = out;
  if (!check_len(args, lx, a.n * a.h * a.w * a.c, "x") || !check_len(args, lo, a.n * a.oh * a.ow * a.c, "output"))
    return nullptr;
  args.run([=] {
    if (max) max_pool2d(a);
    else avg_pool2d(a);
  });
  return args.undefined();
}

napi_value MaxPool2d(napi_env env, napi_callback_info info) { return PoolForward(env, info, true); }
napi_value AvgPool2d(napi_env env, napi_callback_info info) { return PoolForward(env, info, false); }

// maxPool2dBackprop(dy, x, dx, geom)
napi_value MaxPool2dBackprop(napi_env env, napi_callback_info info) {
  Args args(env, info, "maxPool2dBackprop");
  idx ly = 0, lx = 0, ld = 0;
  const float* dy = args.f32(0, &ly);
  const float* x = args.f32(1, &lx);
  float* dx = args.f32(2, &ld);
  PoolArgs a;
  if (args.failed || !read_pool(args, 3, &a)) return nullptr;
  a.x = x;
  a.dy = dy;
  a.out = dx;
  idx xs = a.n * a.h * a.w * a.c;
  if (!check_len(args, ly, a.n * a.oh * a.ow * a.c, "dy") || !check_len(args, lx, xs, "x") || !check_len(args, ld, xs, "dx"))
    return nullptr;
  max_pool2d_backprop(a);
  return args.undefined();
}

// avgPool2dBackprop(dy, dx, geom)
napi_value AvgPool2dBackprop(napi_env env, napi_callback_info info) {
  Args args(env, info, "avgPool2dBackprop");
  idx ly = 0, ld = 0;
  const float* dy = args.f32(0, &ly);
  float* dx = args.f32(1, &ld);
  PoolArgs a;
  if (args.failed || !read_pool(args, 2, &a)) return nullptr;
  a.dy = dy;
  a.out = dx;
  if (!check_len(args, ly, a.n * a.oh * a.ow * a.c, "dy") || !check_len(args, ld, a.n * a.h * a.w * a.c, "dx"))
    return nullptr;
  avg_pool2d_backprop(a);
  return args.undefined();
}

// unary(op, x, y)
napi_value Unary(napi_env env, napi_callback_info info) {
  Args args(env, info, "unary");
  idx op = args.integer(0), lx = 0, ly = 0;
  const float* x = args.f32(1, &lx);
  float* y = args.f32(2, &ly);
  if (args.failed) return nullptr;
  if (op < 0 || op >= U_COUNT) return args.range_error("unknown unary op code");
  if (!check_len(args, ly, lx, "output")) return nullptr;
  args.run([=] { unary(static_cast<int>(op), x, y, lx); });
  return args.undefined();
}

// binary(op, a, b, y, shape, stridesA, stridesB): all Int32Arrays of the same (collapsed) rank <= 8.
napi_value Binary(napi_env env, napi_callback_info info) {
  Args args(env, info, "binary");
  idx op = args.integer(0), la = 0, lb = 0, ly = 0, r = 0, r1 = 0, r2 = 0;
  const float* a = args.f32(1, &la);
  const float* b = args.f32(2, &lb);
  float* y = args.f32(3, &ly);
  const std::int32_t* shape = args.i32(4, &r);
  const std::int32_t* sa = args.i32(5, &r1);
  const std::int32_t* sb = args.i32(6, &r2);
  if (args.failed) return nullptr;
  if (op < 0 || op >= B_COUNT) return args.range_error("unknown binary op code");
  if (r > 8 || r1 != r || r2 != r) return args.range_error("shape and strides must have the same rank, at most 8");
  idx s[8], ta[8], tb[8], total = 1, maxa = 0, maxb = 0;
  for (idx d = 0; d < r; d++) {
    s[d] = shape[d];
    ta[d] = sa[d];
    tb[d] = sb[d];
    if (s[d] < 0 || ta[d] < 0 || tb[d] < 0) return args.range_error("negative shape or stride");
    total *= s[d];
    if (s[d] > 0) {
      maxa += (s[d] - 1) * ta[d];
      maxb += (s[d] - 1) * tb[d];
    }
  }
  if (r > 0 && ((ta[r - 1] != 0 && ta[r - 1] != 1) || (tb[r - 1] != 0 && tb[r - 1] != 1)))
    return args.range_error("innermost strides must be 0 or 1");
  if (!check_len(args, ly, total, "output")) return nullptr;
  if (total > 0 && (maxa >= la || maxb >= lb)) return args.range_error("operand too small for its strides");
  args.run([=] {
    if (total > 0) binary(static_cast<int>(op), a, b, y, static_cast<int>(r), s, ta, tb);
  });
  return args.undefined();
}

// reduce(op, x, y, outer, len, inner)
napi_value Reduce(napi_env env, napi_callback_info info) {
  Args args(env, info, "reduce");
  idx op = args.integer(0), lx = 0, ly = 0;
  const float* x = args.f32(1, &lx);
  float* y = args.f32(2, &ly);
  idx outer = args.integer(3), len = args.integer(4), inner = args.integer(5);
  if (args.failed) return nullptr;
  if (op < 0 || op >= R_COUNT) return args.range_error("unknown reduce op code");
  if (outer < 0 || len < 0 || inner < 0) return args.range_error("negative extent");
  if (!check_len(args, lx, outer * len * inner, "x") || !check_len(args, ly, outer * inner, "output")) return nullptr;
  args.run([=] { reduce(static_cast<int>(op), x, y, outer, len, inner); });
  return args.undefined();
}

// transpose(x, y, shape, perm)
napi_value Transpose(napi_env env, napi_callback_info info) {
  Args args(env, info, "transpose");
  idx lx = 0, ly = 0, r = 0, rp = 0;
  const float* x = args.f32(0, &lx);
  float* y = args.f32(1, &ly);
  const std::int32_t* shape = args.i32(2, &r);
  const std::int32_t* perm = args.i32(3, &rp);
  if (args.failed) return nullptr;
  if (r > 8 || rp != r) return args.range_error("shape and perm must have the same rank, at most 8");
  idx s[8], total = 1;
  int p[8];
  bool seen[8] = {false, false, false, false, false, false, false, false};
  for (idx d = 0; d < r; d++) {
    s[d] = shape[d];
    p[d] = perm[d];
    if (s[d] < 0 || p[d] < 0 || p[d] >= r || seen[p[d]]) return args.range_error("invalid shape or permutation");
    seen[p[d]] = true;
    total *= s[d];
  }
  if (!check_len(args, lx, total, "x") || !check_len(args, ly, total, "output")) return nullptr;
  args.run([=] { transpose(x, y, static_cast<int>(r), s, p); });
  return args.undefined();
}

}  // namespace

void register_loop_kernels(napi_env env, napi_value exports) {
  export_functions(env, exports, {
      {"maxPool2d", MaxPool2d},
      {"avgPool2d", AvgPool2d},
      {"maxPool2dBackprop", MaxPool2dBackprop},
      {"avgPool2dBackprop", AvgPool2dBackprop},
      {"unary", Unary},
      {"binary", Binary},
      {"reduce", Reduce},
      {"transpose", Transpose},
  });
  register_conv_kernels(env, exports);  // addon_conv.cc: depthwise and fused convolutions
}

}  // namespace dt
