// Fused batch normalization, float32. x is viewed as [outer, c, inner] around the channel axis; threads
// split "rows": with the channel last (inner = 1) a row is one position's c channels, otherwise one
// channel's contiguous run of inner elements. Per-channel sums go through float blocks (a few rows or
// 256 elements) flushed into per-thread double accumulators, added in thread order at the end.
//   train:     pass 1 shifted sums of x and x^2 (shift = the first sample, so the one-pass variance
//              does not cancel; repeated with the mean as the shift when that sample lies far out),
//              pass 2 y = (x - mean) * scale * invStd + offset (then relu(y) when fused with a relu);
//   backprop:  pass 1 sums of dy and dy * (x - mean), pass 2 dx = g * dy + b * (x - mean) + e per channel;
//              fused with a relu, dy is read as 0 where the forward's output was not positive, recomputed from x
//              with the forward's very expression (no separate relu gradient pass, and the output is not read),
//              and pass 2 can also sum dx per channel (the gradient of a bias before the norm).
//   inference: one pass, y = (x - mean) * scale / sqrt(variance + eps) + offset.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "addon_common.h"
#include "norm.h"

namespace dt {
namespace {

#include "norm_passes.inc"

// [outer, c, inner] at arguments i, i+1, i+2.
bool read_view(Args& args, size_t i, View* v) {
  v->outer = args.integer(i);
  v->c = args.integer(i + 1);
  v->inner = args.integer(i + 2);
  if (args.failed) return false;
  if (v->outer < 0 || v->c < 0 || v->inner < 1) {
    args.range_error("invalid [outer, channels, inner] view");
    return false;
  }
  return true;
}

// An optional per-channel Float32Array argument (null or undefined: absent).
bool channel_arg(Args& args, size_t i, idx c, const char* what, const float** p) {
  *p = nullptr;
  if (args.is_null(i)) return true;
  idx len = 0;
  *p = args.f32(i, &len);
  return !args.failed && check_len(args, len, c, what);
}

// batchNormTrain(x, y, mean, variance, invStd, scale | null, offset | null, outer, c, inner, eps[, relu])
// (relu true: y = relu of the normalized x)
napi_value BatchNormTrain(napi_env env, napi_callback_info info) {
  Args args(env, info, "batchNormTrain");
  idx lx = 0, ly = 0, lm = 0, lv = 0, li = 0;
  const float* x = args.f32(0, &lx);
  float* y = args.f32(1, &ly);
  float* mean = args.f32(2, &lm);
  float* var = args.f32(3, &lv);
  float* inv = args.f32(4, &li);
  View v;
  if (args.failed || !read_view(args, 7, &v)) return nullptr;
  double eps = args.number(10);
  bool fuse_relu = !args.is_null(11) && args.boolean(11);
  const float *scale, *offset;
  if (args.failed || !channel_arg(args, 5, v.c, "scale", &scale) || !channel_arg(args, 6, v.c, "offset", &offset) ||
      !check_len(args, lx, v.size(), "x") || !check_len(args, ly, v.size(), "y") || !check_len(args, lm, v.c, "mean") ||
      !check_len(args, lv, v.c, "variance") || !check_len(args, li, v.c, "invStd"))
    return nullptr;
  const idx c = v.c, count = v.count();
  if (count == 0) {
    const float nan = std::numeric_limits<float>::quiet_NaN();
    for (idx j = 0; j < c; j++) mean[j] = var[j] = inv[j] = nan;
    return args.undefined();
  }
  std::vector<float> k(c), s(c), t(c);
  for (idx j = 0; j < c; j++) k[j] = x[j * v.inner];
  std::vector<double> s1(c), s2(c);
  channel_sums<ForwardTerms>(v, x, nullptr, k.data(), nullptr, nullptr, s1.data(), s2.data());
  // A shift far from the mean (an outlying first sample) leaves the variance to cancellation: then a
  // second pass with the mean as the shift (the two-pass moments).
  bool again = false;
  for (idx j = 0; j < c; j++) {
    double d = s1[j] / count;
    if (d * d > 8 * (s2[j] / count - d * d)) {
      again = true;
      k[j] = static_cast<float>(k[j] + d);
    }
  }
  if (again) channel_sums<ForwardTerms>(v, x, nullptr, k.data(), nullptr, nullptr, s1.data(), s2.data());
  for (idx j = 0; j < c; j++) {
    double d = s1[j] / count;
    double m = k[j] + d;
    double var_d = std::max(0.0, s2[j] / count - d * d);
    double is = 1.0 / std::sqrt(var_d + eps);
    mean[j] = static_cast<float>(m);
    var[j] = static_cast<float>(var_d);
    inv[j] = static_cast<float>(is);
    s[j] = output_scale(inv[j], scale, j);
    t[j] = offset ? offset[j] : 0.f;
  }
  if (fuse_relu) apply_forward<true>(v, x, mean, s.data(), t.data(), y);
  else apply_forward<false>(v, x, mean, s.data(), t.data(), y);
  return args.undefined();
}

// batchNormBackprop(dy, x, mean, invStd, scale | null, dmean | null, dvariance | null, dx, dscale, doffset,
//                   outer, c, inner[, relu, reluOffset | null, dxSum | null])
// (relu true: the forward was relu-fused with offset reluOffset, dy is masked where its output was not positive,
// recomputed from x; dxSum: receives the per-channel sums of dx)
napi_value BatchNormBackprop(napi_env env, napi_callback_info info) {
  Args args(env, info, "batchNormBackprop");
  idx ldy = 0, lx = 0, lm = 0, li = 0, ldx = 0, lds = 0, ldo = 0;
  const float* dy = args.f32(0, &ldy);
  const float* x = args.f32(1, &lx);
  const float* mean = args.f32(2, &lm);
  const float* inv = args.f32(3, &li);
  float* dx = args.f32(7, &ldx);
  float* dscale = args.f32(8, &lds);
  float* doffset = args.f32(9, &ldo);
  View v;
  if (args.failed || !read_view(args, 10, &v)) return nullptr;
  const float *scale, *dmean, *dvar;
  const bool relu = !args.is_null(13) && args.boolean(13);
  const float* relu_offset = nullptr;
  float* dxsum = nullptr;
  idx lsum = 0;
  if (args.failed || !channel_arg(args, 14, v.c, "reluOffset", &relu_offset)) return nullptr;
  if (!args.is_null(15)) {
    dxsum = args.f32(15, &lsum);
    if (args.failed || !check_len(args, lsum, v.c, "dxSum")) return nullptr;
  }
  if (!channel_arg(args, 4, v.c, "scale", &scale) || !channel_arg(args, 5, v.c, "dmean", &dmean) ||
      !channel_arg(args, 6, v.c, "dvariance", &dvar) || !check_len(args, ldy, v.size(), "dy") ||
      !check_len(args, lx, v.size(), "x") || !check_len(args, ldx, v.size(), "dx") || !check_len(args, lm, v.c, "mean") ||
      !check_len(args, li, v.c, "invStd") || !check_len(args, lds, v.c, "dscale") || !check_len(args, ldo, v.c, "doffset"))
    return nullptr;
  const idx c = v.c, count = v.count();
  // The forward's output-pass factors, for the relu mask.
  std::vector<float> rs(relu ? c : 0), rt(relu ? c : 0);
  for (idx j = 0; j < (relu ? c : 0); j++) {
    rs[j] = output_scale(inv[j], scale, j);
    rt[j] = relu_offset ? relu_offset[j] : 0.f;
  }
  std::vector<double> s1(c, 0.0), s2(c, 0.0);
  if (count > 0) {
    if (relu) channel_sums<MaskedBackwardTerms>(v, x, dy, mean, rs.data(), rt.data(), s1.data(), s2.data());
    else channel_sums<BackwardTerms>(v, x, dy, mean, nullptr, nullptr, s1.data(), s2.data());
  }
  std::vector<float> g(c), b(c), e(c);
  for (idx j = 0; j < c; j++) {
    double is = inv[j], gj = scale ? scale[j] * is : is;
    doffset[j] = static_cast<float>(s1[j]);
    dscale[j] = static_cast<float>(s2[j] * is);
    if (count == 0) continue;
    double bj = -gj * is * is * s2[j] / count + (dvar ? 2.0 * dvar[j] / count : 0.0);
    double ej = -gj * s1[j] / count + (dmean ? dmean[j] / static_cast<double>(count) : 0.0);
    g[j] = static_cast<float>(gj);
    b[j] = static_cast<float>(bj);
    e[j] = static_cast<float>(ej);
  }
  if (count > 0) {
    if (relu) apply_backward<true>(v, x, dy, rs.data(), rt.data(), mean, b.data(), e.data(), g.data(), dx, dxsum);
    else apply_backward<false>(v, x, dy, nullptr, nullptr, mean, b.data(), e.data(), g.data(), dx, dxsum);
  } else if (dxsum)
    for (idx j = 0; j < c; j++) dxsum[j] = 0.f;
  return args.undefined();
}

// batchNormInference(x, mean, variance, scale | null, offset | null, y, outer, c, inner, eps)
napi_value BatchNormInference(napi_env env, napi_callback_info info) {
  Args args(env, info, "batchNormInference");
  idx lx = 0, lm = 0, lv = 0, ly = 0;
  const float* x = args.f32(0, &lx);
  const float* mean = args.f32(1, &lm);
  const float* var = args.f32(2, &lv);
  float* y = args.f32(5, &ly);
  View v;
  if (args.failed || !read_view(args, 6, &v)) return nullptr;
  double eps = args.number(9);
  const float *scale, *offset;
  if (args.failed || !channel_arg(args, 3, v.c, "scale", &scale) || !channel_arg(args, 4, v.c, "offset", &offset) ||
      !check_len(args, lx, v.size(), "x") || !check_len(args, ly, v.size(), "y") || !check_len(args, lm, v.c, "mean") ||
      !check_len(args, lv, v.c, "variance"))
    return nullptr;
  args.run([=] {
    std::vector<float> s(v.c), t(v.c);
    for (idx j = 0; j < v.c; j++) {
      double is = 1.0 / std::sqrt(static_cast<double>(var[j]) + eps);
      s[j] = static_cast<float>(scale ? is * scale[j] : is);
      t[j] = offset ? offset[j] : 0.f;
    }
    if (v.size() > 0) apply_forward<false>(v, x, mean, s.data(), t.data(), y);
  });
  return args.undefined();
}

}  // namespace

void register_norm_kernels(napi_env env, napi_value exports) {
  export_functions(env, exports, {
      {"batchNormTrain", BatchNormTrain},
      {"batchNormBackprop", BatchNormBackprop},
      {"batchNormInference", BatchNormInference},
  });
}

}  // namespace dt
