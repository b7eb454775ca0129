// Fused optimizer updates (Adam, SGD, RMSprop) over float32: one pass per variable instead of the ~10
// weight-sized temporaries of the composite ops. Each arithmetic step is one float operation in the
// same order as the ops of src/optimizers, so the results equal the op path (and the js reference,
// src/backends/js/optim.ts) bit for bit. Plain loops: the compiler vectorises them (sqrt and div
// stay correctly rounded); fused multiply-adds are turned off since they would round once, not twice.
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif
#include <cmath>

#include "addon_common.h"

namespace dt {

void register_optim_kernels(napi_env env, napi_value exports);

namespace {

// Threads for n elements: memory-bound work that streams ~7 arrays, so only large variables split.
int optim_threads(idx n) {
  int nt = num_threads();
  if (n < 65536) return 1;
  idx by = n / 32768;
  return by < nt ? static_cast<int>(by) : nt;
}

template <class F>
void chunks(idx n, F&& f) {
  parallel(optim_threads(n), [&](int tid, int nt) {
    idx i0, i1;
    split_range(n, tid, nt, 1024, &i0, &i1);
    if (i1 > i0) f(i0, i1);
  });
}

// The same as the maximum kernel (NaN in the first operand wins).
inline float maxf(float a, float b) { return (a >= b || a != a) ? a : b; }

// Reads an optional Float32Array of length n (null or undefined gives nullptr).
bool opt_f32(Args& args, size_t i, idx n, float** p, const char* what) {
  *p = nullptr;
  if (args.is_null(i)) return true;
  idx len = 0;
  *p = args.f32(i, &len);
  if (args.failed) return false;
  return check_len(args, len, n, what);
}

bool req_f32(Args& args, size_t i, idx n, float** p, const char* what) {
  idx len = 0;
  *p = args.f32(i, &len);
  if (args.failed) return false;
  return check_len(args, len, n, what);
}

// Decoupled weight decay, as the optimizer base applies it: w - (w * wd) * lr.
struct Decay {
  bool on;
  float wd, lr;
  float operator()(float w) const {
    if (!on) return w;
    float d = w * wd;
    d = d * lr;
    return w - d;
  }
};

Decay read_decay(Args& args, size_t i, double lr) {
  Decay d{false, 0.0f, static_cast<float>(lr)};
  if (!args.is_null(i)) {
    d.on = true;
    d.wd = static_cast<float>(args.number(i));
  }
  return d;
}

struct AdamK {
  const float *w, *g, *m, *v, *h;
  float *wo, *mo, *vo, *ho;
  float c1, c2, alpha, eps;
  Decay decay;
};

// Restrict-qualified parameters, not a struct: GCC 12 keeps the loop scalar when the pointers are
// locals copied from a struct.
template <bool Ams, bool Dec>
void adam_range(const float* __restrict pw, const float* __restrict pg, const float* __restrict pm, const float* __restrict pv,
                const float* __restrict ph, float* __restrict wo, float* __restrict mo, float* __restrict vo, float* __restrict ho,
                float c1, float c2, float alpha, float eps, Decay dc, idx i0, idx i1) {
  for (idx i = i0; i < i1; i++) {
    const float g = pg[i];
    float m = g - pm[i];
    m = m * c1;
    m = pm[i] + m;
    float gg = g * g;
    gg = gg - pv[i];
    gg = gg * c2;
    float v = pv[i] + gg;
    mo[i] = m;
    vo[i] = v;
    if (Ams) {
      v = maxf(ph[i], v);
      ho[i] = v;
    }
    float den = std::sqrt(v);
    den = den + eps;
    float num = m * alpha;
    num = num / den;
    const float w = Dec ? dc(pw[i]) : pw[i];
    wo[i] = w - num;
  }
}

template <bool Ams, bool Dec>
void adam_chunk(const AdamK& k, idx i0, idx i1) {
  adam_range<Ams, Dec>(k.w, k.g, k.m, k.v, k.h, k.wo, k.mo, k.vo, k.ho, k.c1, k.c2, k.alpha, k.eps, k.decay, i0, i1);
}

// adamUpdate(w, g, m, v, vhat | null, wo, mo, vo, vhatOut | null, alpha, beta1, beta2, epsilon, weightDecay | null, lr)
napi_value AdamUpdate(napi_env env, napi_callback_info info) {
  Args args(env, info, "adamUpdate");
  idx n = 0;
  float* w = args.f32(0, &n);
  if (args.failed) return nullptr;
  AdamK k;
  float *g, *m, *v, *h, *wo, *mo, *vo, *ho;
  if (!req_f32(args, 1, n, &g, "g") || !req_f32(args, 2, n, &m, "m") || !req_f32(args, 3, n, &v, "v") ||
      !opt_f32(args, 4, n, &h, "vhat") || !req_f32(args, 5, n, &wo, "w out") || !req_f32(args, 6, n, &mo, "m out") ||
      !req_f32(args, 7, n, &vo, "v out") || !opt_f32(args, 8, n, &ho, "vhat out"))
    return nullptr;
  if ((h == nullptr) != (ho == nullptr)) return args.range_error("vhat and its output must both be given or both null");
  const double alpha = args.number(9), beta1 = args.number(10), beta2 = args.number(11), eps = args.number(12);
  const double lr = args.number(14);
  if (args.failed) return nullptr;
  k = AdamK{w, g, m, v, h, wo, mo, vo, ho, static_cast<float>(1.0 - beta1), static_cast<float>(1.0 - beta2),
            static_cast<float>(alpha), static_cast<float>(eps), read_decay(args, 13, lr)};
  if (args.failed) return nullptr;
  chunks(n, [&](idx i0, idx i1) {
    if (h) {
      if (k.decay.on) adam_chunk<true, true>(k, i0, i1);
      else adam_chunk<true, false>(k, i0, i1);
    } else {
      if (k.decay.on) adam_chunk<false, true>(k, i0, i1);
      else adam_chunk<false, false>(k, i0, i1);
    }
  });
  return args.undefined();
}

struct SgdK {
  const float *w, *g, *m;
  float *wo, *mo;
  float lr, mu;
  Decay decay;
};

template <int Mode, bool Dec>  // Mode 0: plain, 1: momentum, 2: nesterov
void sgd_range(const SgdK& k, idx i0, idx i1) {
  const Decay dc = k.decay;
  const float lr = k.lr, mu = k.mu;
  const float* __restrict pw = k.w;
  const float* __restrict pg = k.g;
  const float* __restrict pm = k.m;
  float* __restrict wo = k.wo;
  float* __restrict mo = k.mo;
  for (idx i = i0; i < i1; i++) {
    const float w = Dec ? dc(pw[i]) : pw[i];
    const float step = pg[i] * lr;
    if (Mode == 0) {
      wo[i] = w - step;
    } else {
      float m = pm[i] * mu;
      m = m - step;
      mo[i] = m;
      if (Mode == 2) {
        float u = m * mu;
        u = u - step;
        wo[i] = w + u;
      } else {
        wo[i] = w + m;
      }
    }
  }
}

// sgdUpdate(w, g, m | null, wo, mo | null, lr, momentum, nesterov, weightDecay | null)
napi_value SgdUpdate(napi_env env, napi_callback_info info) {
  Args args(env, info, "sgdUpdate");
  idx n = 0;
  float* w = args.f32(0, &n);
  if (args.failed) return nullptr;
  float *g, *m, *wo, *mo;
  if (!req_f32(args, 1, n, &g, "g") || !opt_f32(args, 2, n, &m, "m") || !req_f32(args, 3, n, &wo, "w out") ||
      !opt_f32(args, 4, n, &mo, "m out"))
    return nullptr;
  if ((m == nullptr) != (mo == nullptr)) return args.range_error("m and its output must both be given or both null");
  const double lr = args.number(5), mu = args.number(6);
  const bool nesterov = args.boolean(7);
  if (args.failed) return nullptr;
  SgdK k{w, g, m, wo, mo, static_cast<float>(lr), static_cast<float>(mu), read_decay(args, 8, lr)};
  if (args.failed) return nullptr;
  const int mode = m == nullptr ? 0 : nesterov ? 2 : 1;
  chunks(n, [&](idx i0, idx i1) {
    if (k.decay.on) {
      if (mode == 0) sgd_range<0, true>(k, i0, i1);
      else if (mode == 1) sgd_range<1, true>(k, i0, i1);
      else sgd_range<2, true>(k, i0, i1);
    } else {
      if (mode == 0) sgd_range<0, false>(k, i0, i1);
      else if (mode == 1) sgd_range<1, false>(k, i0, i1);
      else sgd_range<2, false>(k, i0, i1);
    }
  });
  return args.undefined();
}

struct RmsK {
  const float *w, *g, *v, *m, *a;
  float *wo, *vo, *mo, *ao;
  float rho, c, lr, mu, eps;
  Decay decay;
};

template <bool Mom, bool Cen, bool Dec>
void rms_range(const RmsK& k, idx i0, idx i1) {
  const Decay dc = k.decay;
  const float rho = k.rho, c = k.c, lr = k.lr, mu = k.mu, eps = k.eps;
  const float* __restrict pw = k.w;
  const float* __restrict pg = k.g;
  const float* __restrict pv = k.v;
  const float* __restrict pm = k.m;
  const float* __restrict pa = k.a;
  float* __restrict wo = k.wo;
  float* __restrict vo = k.vo;
  float* __restrict mo = k.mo;
  float* __restrict ao = k.ao;
  for (idx i = i0; i < i1; i++) {
    const float g = pg[i];
    float v = pv[i] * rho;
    float gg = g * g;
    gg = gg * c;
    v = v + gg;
    vo[i] = v;
    float den;
    if (Cen) {
      float a = pa[i] * rho;
      float ga = g * c;
      a = a + ga;
      ao[i] = a;
      float aa = a * a;
      den = v - aa;
      den = den + eps;
    } else {
      den = v + eps;
    }
    den = std::sqrt(den);
    float inc = g * lr;
    inc = inc / den;
    const float w = Dec ? dc(pw[i]) : pw[i];
    if (Mom) {
      float m = pm[i] * mu;
      m = m + inc;
      mo[i] = m;
      wo[i] = w - m;
    } else {
      wo[i] = w - inc;
    }
  }
}

template <bool Mom, bool Cen>
void rms_dispatch(const RmsK& k, idx i0, idx i1) {
  if (k.decay.on) rms_range<Mom, Cen, true>(k, i0, i1);
  else rms_range<Mom, Cen, false>(k, i0, i1);
}

// rmspropUpdate(w, g, vel, m | null, avg | null, wo, vo, mo | null, ao | null, lr, rho, momentum, epsilon, weightDecay | null)
napi_value RmspropUpdate(napi_env env, napi_callback_info info) {
  Args args(env, info, "rmspropUpdate");
  idx n = 0;
  float* w = args.f32(0, &n);
  if (args.failed) return nullptr;
  float *g, *v, *m, *a, *wo, *vo, *mo, *ao;
  if (!req_f32(args, 1, n, &g, "g") || !req_f32(args, 2, n, &v, "vel") || !opt_f32(args, 3, n, &m, "m") ||
      !opt_f32(args, 4, n, &a, "avg") || !req_f32(args, 5, n, &wo, "w out") || !req_f32(args, 6, n, &vo, "vel out") ||
      !opt_f32(args, 7, n, &mo, "m out") || !opt_f32(args, 8, n, &ao, "avg out"))
    return nullptr;
  if ((m == nullptr) != (mo == nullptr) || (a == nullptr) != (ao == nullptr))
    return args.range_error("each optional state and its output must both be given or both null");
  const double lr = args.number(9), rho = args.number(10), mu = args.number(11), eps = args.number(12);
  if (args.failed) return nullptr;
  RmsK k{w, g, v, m, a, wo, vo, mo, ao, static_cast<float>(rho), static_cast<float>(1.0 - rho), static_cast<float>(lr),
         static_cast<float>(mu), static_cast<float>(eps), read_decay(args, 13, lr)};
  if (args.failed) return nullptr;
  chunks(n, [&](idx i0, idx i1) {
    if (m) {
      if (a) rms_dispatch<true, true>(k, i0, i1);
      else rms_dispatch<true, false>(k, i0, i1);
    } else {
      if (a) rms_dispatch<false, true>(k, i0, i1);
      else rms_dispatch<false, false>(k, i0, i1);
    }
  });
  return args.undefined();
}

}  // namespace

void register_optim_kernels(napi_env env, napi_value exports) {
  export_functions(env, exports, {
      {"adamUpdate", AdamUpdate},
      {"sgdUpdate", SgdUpdate},
      {"rmspropUpdate", RmspropUpdate},
  });
}

}  // namespace dt
