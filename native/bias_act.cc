// biasActivation: y = act(x * scale + bias [+ residual]) per channel in one pass, over x viewed as [outer, channels, inner]
// (inner = 1 for channels-last). The inference path of conv -> BatchNormalization -> ReLU runs this once
// instead of a mul, an add and an activation pass. Products and sums are rounded to float separately (no FMA:
// this file is built with -ffp-contract=off, see binding.gyp), so the result equals the unfused ops bit for bit.
#include <cstdint>

#include "addon_common.h"
#include "simd.h"

namespace dt {

namespace {

// Activation codes: the order of BIAS_ACT in src/backends/native/bias-act.ts.
enum BiasActCode { BA_LINEAR, BA_RELU, BA_RELU6, BA_LEAKY_RELU, BA_SIGMOID, BA_TANH, BA_COUNT };


// relu keeps NaN (as the js kernel): x > 0 ? x : (x == x ? 0 : x).
inline float act_relu(float v) { return v > 0.0f ? v : (v == v ? 0.0f : v); }
inline float act_relu6(float v) { return v > 0.0f ? (v < 6.0f ? v : 6.0f) : (v == v ? 0.0f : v); }

inline float act(int a, float v, float alpha) {
  return a == BA_RELU ? act_relu(v) : a == BA_RELU6 ? act_relu6(v) : a == BA_LEAKY_RELU ? (v > 0.0f ? v : v * alpha) : v;
}

// One channels-last row: y[c] = act(x[c] * s[c] + b[c] + r[c]).
template <int ACT, bool SCALE, bool BIAS, bool RES>
inline void row(const float* x, float* y, idx ch, const float* __restrict s, const float* __restrict b, const float* r,
                float alpha) {
  for (idx c = 0; c < ch; c++) {
    float v = x[c];
    if (SCALE) v = v * s[c];
    if (BIAS) v = v + b[c];
    if (RES) v = v + r[c];
    y[c] = act(ACT, v, alpha);
  }
}

// One channels-first run: one scale and bias for `len` elements.
template <int ACT, bool SCALE, bool BIAS, bool RES>
inline void run(const float* x, float* y, idx len, float s, float b, const float* r, float alpha) {
  for (idx i = 0; i < len; i++) {
    float v = x[i];
    if (SCALE) v = v * s;
    if (BIAS) v = v + b;
    if (RES) v = v + r[i];
    y[i] = act(ACT, v, alpha);
  }
}

struct BiasActArgs {
  const float* x;
  float* y;
  const float* s;
  const float* b;
  const float* r;
  idx outer, ch, inner;
  float alpha;
};

template <int ACT, bool SCALE, bool BIAS, bool RES>
void bias_act_t(const BiasActArgs& a) {
  // A memory-bound pass: one thread streams about 20 GB/s, so split only from about 1 MB (262K elements) up.
  const idx n = a.outer * a.ch * a.inner;
  int nt = threads_for_work(static_cast<double>(n) * 0.125);
  if (a.inner == 1) {
    // Channels last: rows of `ch` elements.
    if (nt > a.outer) nt = static_cast<int>(a.outer > 0 ? a.outer : 1);
    parallel(nt, [&](int tid, int nth) {
      idx r0, r1;
      split_range(a.outer, tid, nth, 1, &r0, &r1);
      for (idx q = r0; q < r1; q++)
        row<ACT, SCALE, BIAS, RES>(a.x + q * a.ch, a.y + q * a.ch, a.ch, a.s, a.b, RES ? a.r + q * a.ch : nullptr, a.alpha);
    });
  } else {
    // Channels first: runs of `inner` elements sharing one channel.
    const idx runs = a.outer * a.ch;
    if (nt > runs) nt = static_cast<int>(runs > 0 ? runs : 1);
    parallel(nt, [&](int tid, int nth) {
      idx r0, r1;
      split_range(runs, tid, nth, 1, &r0, &r1);
      for (idx q = r0; q < r1; q++) {
        const idx c = q % a.ch, o = q * a.inner;
        run<ACT, SCALE, BIAS, RES>(a.x + o, a.y + o, a.inner, SCALE ? a.s[c] : 1.0f, BIAS ? a.b[c] : 0.0f, RES ? a.r + o : nullptr,
                                   a.alpha);
      }
    });
  }
}

template <int ACT, bool SCALE, bool BIAS>
void bias_act_r(const BiasActArgs& a) {
  if (a.r) bias_act_t<ACT, SCALE, BIAS, true>(a);
  else bias_act_t<ACT, SCALE, BIAS, false>(a);
}

template <int ACT>
void bias_act_a(const BiasActArgs& a) {
  if (a.s && a.b) bias_act_r<ACT, true, true>(a);
  else if (a.s) bias_act_r<ACT, true, false>(a);
  else if (a.b) bias_act_r<ACT, false, true>(a);
  else bias_act_r<ACT, false, false>(a);
}

// biasActivation(x, y, bias | null, scale | null, residual | null, outer, channels, inner, act, alpha); y may be x
// (in place).
napi_value BiasActivation(napi_env env, napi_callback_info info) {
  Args args(env, info, "biasActivation");
  idx lx = 0, ly = 0, lb = 0, ls = 0, lr = 0;
  const float* x = args.f32(0, &lx);
  float* y = args.f32(1, &ly);
  const float* b = args.is_null(2) ? nullptr : args.f32(2, &lb);
  const float* s = args.is_null(3) ? nullptr : args.f32(3, &ls);
  const float* r = args.is_null(4) ? nullptr : args.f32(4, &lr);
  idx outer = args.integer(5), ch = args.integer(6), inner = args.integer(7), act = args.integer(8);
  float alpha = static_cast<float>(args.number(9));
  if (args.failed) return nullptr;
  if (act < 0 || act >= BA_COUNT) return args.range_error("unknown activation code");
  if (outer < 0 || ch < 0 || inner < 0) return args.range_error("negative dimension");
  if (!check_len(args, lx, outer * ch * inner, "x") || !check_len(args, ly, lx, "output")) return nullptr;
  if ((b && !check_len(args, lb, ch, "bias")) || (s && !check_len(args, ls, ch, "scale")) || (r && !check_len(args, lr, lx, "residual")))
    return nullptr;
  const BiasActArgs a{x, y, s, b, r, outer, ch, inner, alpha};
  args.run([=] {
    if (lx == 0) return;
    switch (act) {
      case BA_RELU: bias_act_a<BA_RELU>(a); break;
      case BA_RELU6: bias_act_a<BA_RELU6>(a); break;
      case BA_LEAKY_RELU: bias_act_a<BA_LEAKY_RELU>(a); break;
      default: bias_act_a<BA_LINEAR>(a); break;
    }
    // Smooth activations: the vectorized unary kernels, in place (the same results as the unfused op).
    if (act == BA_SIGMOID) unary(U_SIGMOID, y, y, ly);
    else if (act == BA_TANH) unary(U_TANH, y, y, ly);
  });
  return args.undefined();
}

}  // namespace

void register_bias_act_kernels(napi_env env, napi_value exports) {
  export_functions(env, exports, {{"biasActivation", BiasActivation}});
}

}  // namespace dt
