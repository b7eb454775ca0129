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

struct View {
  idx outer, c, inner;
  idx count() const { return outer * inner; }  // elements per channel
  idx size() const { return outer * c * inner; }
  idx rows() const { return inner == 1 ? outer : outer * c; }
  idx row_len() const { return inner == 1 ? c : inner; }
};

// Threads for `work` elements of streaming work: none below ~64K elements.
int threads_for(double work, idx rows) {
  int nt = num_threads();
  if (work < 65536) nt = 1;
  else if (work / 32768 < nt) nt = static_cast<int>(work / 32768);
  if (nt > rows) nt = static_cast<int>(rows > 0 ? rows : 1);
  return nt < 1 ? 1 : nt;
}

template <class F>
void for_rows(const View& v, F&& f) {
  int nt = threads_for(static_cast<double>(v.size()), v.rows());
  parallel(nt, [&](int tid, int n) {
    idx r0, r1;
    split_range(v.rows(), tid, n, 1, &r0, &r1);
    if (r1 > r0) f(r0, r1);
  });
}

// The per-element pair summed per channel: forward (x - k, (x - k)^2), backward (dy, dy * (x - k)), and
// the backward of a norm fused with a relu: (dy', dy' * (x - k)) with dy' = dy where the forward's output was
// positive, recomputed from x as the forward computes it, (x - k) * s + t (k the mean, s, t per channel).
struct ForwardTerms {
  static inline void at(float x, float, float k, float, float, float& s1, float& s2) {
    float d = x - k;
    s1 += d;
    s2 += d * d;
  }
};
struct BackwardTerms {
  static inline void at(float x, float dy, float k, float, float, float& s1, float& s2) {
    s1 += dy;
    s2 += dy * (x - k);
  }
};
// The normalized value before the relu: the one expression both the forward's output pass and the backward's
// mask use, so that the backward's sign decisions are the forward's bit for bit.
inline float normalized(float x, float m, float s, float t) { return (x - m) * s + t; }

// dy where y > 0, else +0 (NaN and infinities too, as relu's gradient), as a bitwise and: no branch on
// random signs, and it vectorizes.
inline float mask_by(float dy, float y) {
  std::uint32_t u;
  std::memcpy(&u, &dy, sizeof u);
  u &= 0u - static_cast<std::uint32_t>(y > 0.f);
  float r;
  std::memcpy(&r, &u, sizeof r);
  return r;
}

struct MaskedBackwardTerms {
  static inline void at(float x, float dy, float k, float s, float t, float& s1, float& s2) {
    float d = mask_by(dy, normalized(x, k, s, t));
    s1 += d;
    s2 += d * (x - k);
  }
};

constexpr idx kRowBlock = 16;   // channel-last rows summed in float before a flush
constexpr idx kRunBlock = 256;  // elements of a run summed in float before a flush

// Channel-last rows [r0, r1): s1[c], s2[c] += sums of the terms over a (x) and b (dy: a's own rows for the
// forward), with per-channel k (the shift) and sc, tc (the masked terms' scale and offset, else unused).
template <class T>
void sums_last(const float* __restrict a, const float* __restrict b, const float* __restrict k, const float* __restrict sc,
               const float* __restrict tc, idx c, idx r0, idx r1, double* s1, double* s2) {
  std::vector<float> buf(2 * c);
  float* __restrict f1 = buf.data();
  float* __restrict f2 = f1 + c;
  for (idx r = r0; r < r1;) {
    idx re = std::min(r1, r + kRowBlock);
    std::fill(buf.begin(), buf.end(), 0.f);
    for (; r < re; r++) {
      const float* __restrict ar = a + r * c;
      const float* __restrict br = b + r * c;
      for (idx j = 0; j < c; j++) T::at(ar[j], br[j], k[j], sc[j], tc[j], f1[j], f2[j]);
    }
    for (idx j = 0; j < c; j++) {
      s1[j] += f1[j];
      s2[j] += f2[j];
    }
  }
}

// One run of n elements of one channel: *s1, *s2 += sums of the terms, in 8 float lanes per block.
template <class T>
void sums_run(const float* __restrict a, const float* __restrict b, float k, float sc, float tc, idx n, double* s1,
              double* s2) {
  double t1 = 0, t2 = 0;
  for (idx i = 0; i < n;) {
    idx e = std::min(n, i + kRunBlock);
    float l1[8] = {0, 0, 0, 0, 0, 0, 0, 0}, l2[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    for (; i + 8 <= e; i += 8)
      for (int j = 0; j < 8; j++) T::at(a[i + j], b[i + j], k, sc, tc, l1[j], l2[j]);
    for (; i < e; i++) T::at(a[i], b[i], k, sc, tc, l1[0], l2[0]);
    for (int j = 0; j < 8; j++) {
      t1 += l1[j];
      t2 += l2[j];
    }
  }
  *s1 += t1;
  *s2 += t2;
}

// Per-channel totals s1[c], s2[c] of the terms over x (and dy for the backward), shifted by k[c]; sc, tc: the
// masked terms' per-channel scale and offset (null otherwise).
template <class T>
void channel_sums(const View& v, const float* a, const float* b, const float* k, const float* sc, const float* tc,
                  double* s1, double* s2) {
  if (!b) b = a;
  if (!sc) sc = k;
  if (!tc) tc = k;
  const idx c = v.c;
  int nt = threads_for(static_cast<double>(v.size()), v.rows());
  std::vector<double> part(2 * c * nt, 0.0);
  parallel(nt, [&](int tid, int n) {
    idx r0, r1;
    split_range(v.rows(), tid, n, 1, &r0, &r1);
    double* p1 = part.data() + 2 * c * tid;
    double* p2 = p1 + c;
    if (v.inner == 1) {
      if (r1 > r0) sums_last<T>(a, b, k, sc, tc, c, r0, r1, p1, p2);
      return;
    }
    for (idx r = r0; r < r1; r++) {
      idx ch = r % c;
      sums_run<T>(a + r * v.inner, b + r * v.inner, k[ch], sc[ch], tc[ch], v.inner, p1 + ch, p2 + ch);
    }
  });
  for (idx j = 0; j < c; j++) {
    double t1 = 0, t2 = 0;
    for (int t = 0; t < nt; t++) {
      t1 += part[2 * c * t + j];
      t2 += part[2 * c * t + c + j];
    }
    s1[j] = t1;
    s2[j] = t2;
  }
}

// The per-channel factor of the output pass, from the float invStd the caller gets (so that a relu-fused
// backward, given that invStd, recomputes the forward's normalized values exactly).
inline float output_scale(float inv, const float* scale, idx j) {
  return scale ? static_cast<float>(static_cast<double>(inv) * scale[j]) : inv;
}

// relu keeping NaN, as the relu op: v > 0 ? v : (v == v ? 0 : v).
inline float relu(float v) { return v > 0.f ? v : (v != v ? v : 0.f); }

// out = (x - m[c]) * s[c] + t[c], then relu(out) when Relu (the forward and inference output pass).
template <bool Relu>
void apply_forward(const View& v, const float* x, const float* m, const float* s, const float* t, float* out) {
  const idx c = v.c, len = v.row_len();
  for_rows(v, [&](idx r0, idx r1) {
    for (idx r = r0; r < r1; r++) {
      const float* __restrict xr = x + r * len;
      float* __restrict o = out + r * len;
      if (v.inner == 1) {
        const float* __restrict mm = m;
        const float* __restrict ss = s;
        const float* __restrict tt = t;
        for (idx j = 0; j < c; j++) {
          float y = normalized(xr[j], mm[j], ss[j], tt[j]);
          o[j] = Relu ? relu(y) : y;
        }
      } else {
        idx ch = r % c;
        const float mc = m[ch], sc = s[ch], tc = t[ch];
        for (idx j = 0; j < len; j++) {
          float y = normalized(xr[j], mc, sc, tc);
          o[j] = Relu ? relu(y) : y;
        }
      }
    }
  });
}

// dx = g[c] * dy' + b[c] * (x - m[c]) + e[c] with dy' = dy, or (Mask) dy where the forward's output
// normalized(x, m, s, t) was > 0 and 0 elsewhere; when `sums` is given, also sums[c] = the per-channel sum of dx
// (float blocks flushed into per-thread doubles).
template <bool Mask>
void apply_backward(const View& v, const float* x, const float* dy, const float* s, const float* t, const float* m,
                    const float* b, const float* e, const float* g, float* out, float* sums) {
  const idx c = v.c, len = v.row_len();
  int nt = threads_for(static_cast<double>(v.size()), v.rows());
  std::vector<double> part(sums ? c * nt : 0, 0.0);
  parallel(nt, [&](int tid, int n) {
    idx r0, r1;
    split_range(v.rows(), tid, n, 1, &r0, &r1);
    double* acc = sums ? part.data() + c * tid : nullptr;
    std::vector<float> buf(sums && v.inner == 1 ? c : 0, 0.f);
    float* __restrict fb = buf.data();
    for (idx r = r0; r < r1; r++) {
      const float* __restrict xr = x + r * len;
      const float* __restrict d = dy + r * len;
      float* __restrict o = out + r * len;
      if (v.inner == 1) {
        const float* __restrict mm = m;
        const float* __restrict bb = b;
        const float* __restrict ee = e;
        const float* __restrict gg = g;
        const float* __restrict ss = Mask ? s : m;
        const float* __restrict tt = Mask ? t : m;
        for (idx j = 0; j < c; j++) {
          float dj = Mask ? mask_by(d[j], normalized(xr[j], mm[j], ss[j], tt[j])) : d[j];
          o[j] = gg[j] * dj + (xr[j] - mm[j]) * bb[j] + ee[j];
        }
        if (sums) {
          for (idx j = 0; j < c; j++) fb[j] += o[j];
          if ((r - r0) % kRowBlock == kRowBlock - 1 || r + 1 == r1)
            for (idx j = 0; j < c; j++) {
              acc[j] += fb[j];
              fb[j] = 0.f;
            }
        }
      } else {
        idx ch = r % c;
        const float mc = m[ch], bc = b[ch], ec = e[ch], gc = g[ch];
        const float sc = Mask ? s[ch] : 0.f, tc = Mask ? t[ch] : 0.f;
        for (idx j = 0; j < len; j++) {
          float dj = Mask ? mask_by(d[j], normalized(xr[j], mc, sc, tc)) : d[j];
          o[j] = gc * dj + (xr[j] - mc) * bc + ec;
        }
        if (sums) {
          double t = 0;
          for (idx i = 0; i < len;) {
            idx ie = std::min(len, i + kRunBlock);
            float l[8] = {0, 0, 0, 0, 0, 0, 0, 0};
            for (; i + 8 <= ie; i += 8)
              for (int k = 0; k < 8; k++) l[k] += o[i + k];
            for (; i < ie; i++) l[0] += o[i];
            for (int k = 0; k < 8; k++) t += l[k];
          }
          acc[ch] += t;
        }
      }
    }
  });
  if (sums)
    for (idx j = 0; j < c; j++) {
      double t = 0;
      for (int k = 0; k < nt; k++) t += part[c * k + j];
      sums[j] = static_cast<float>(t);
    }
}

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
  std::vector<float> s(v.c), t(v.c);
  for (idx j = 0; j < v.c; j++) {
    double is = 1.0 / std::sqrt(static_cast<double>(var[j]) + eps);
    s[j] = static_cast<float>(scale ? is * scale[j] : is);
    t[j] = offset ? offset[j] : 0.f;
  }
  if (v.size() > 0) apply_forward<false>(v, x, mean, s.data(), t.data(), y);
  return args.undefined();
}

}  // namespace

void register_norm_kernels(napi_env env, napi_value exports) {
  struct Fn {
    const char* name;
    napi_callback cb;
  } fns[] = {
      {"batchNormTrain", BatchNormTrain},
      {"batchNormBackprop", BatchNormBackprop},
      {"batchNormInference", BatchNormInference},
  };
  for (const Fn& f : fns) {
    napi_value fn;
    napi_create_function(env, f.name, NAPI_AUTO_LENGTH, f.cb, nullptr, &fn);
    napi_set_named_property(env, exports, f.name, fn);
  }
}

}  // namespace dt
