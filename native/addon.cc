// N-API entry points. Every kernel reads its inputs from and writes its output into typed arrays
// allocated by the JavaScript side (no copies), and runs synchronously.
#include <cstring>
#include <vector>

#include "addon_common.h"
#include "norm.h"

namespace dt {

// Fused optimizer updates (optim.cc).
void register_optim_kernels(napi_env env, napi_value exports);
// biasActivation (bias_act.cc).
void register_bias_act_kernels(napi_env env, napi_value exports);

namespace {

// info() -> { isa, isas: [...supported], threads, mallocReuse, poolJobs, poolHelped, winogradCalls }
napi_value Info(napi_env env, napi_callback_info) {
  napi_value o, list;
  napi_create_object(env, &o);
  napi_set_named_property(env, o, "isa", make_string(env, isa_name(isa_active())));
  napi_create_array(env, &list);
  uint32_t n = 0;
  for (int i = 0; i <= 2; i++)
    if (isa_supported(static_cast<Isa>(i))) napi_set_element(env, list, n++, make_string(env, isa_name(static_cast<Isa>(i))));
  napi_set_named_property(env, o, "isas", list);
  napi_set_named_property(env, o, "threads", make_number(env, num_threads()));
  napi_set_named_property(env, o, "mallocReuse", make_bool(env, malloc_reuse()));
  napi_set_named_property(env, o, "poolJobs", make_number(env, static_cast<double>(pool_jobs())));
  napi_set_named_property(env, o, "poolHelped", make_number(env, static_cast<double>(pool_helped())));
  napi_set_named_property(env, o, "winogradCalls", make_number(env, static_cast<double>(winograd_calls())));
  return o;
}

// setIsa(name) -> whether the CPU supports it (and it is now active)
napi_value SetIsa(napi_env env, napi_callback_info info) {
  Args args(env, info, "setIsa");
  args.no_kernel();
  char name[32];
  args.string(0, name, sizeof name);
  if (args.failed) return nullptr;
  for (int i = 0; i <= 2; i++)
    if (!std::strcmp(name, isa_name(static_cast<Isa>(i)))) return make_bool(env, isa_select(static_cast<Isa>(i)));
  return make_bool(env, false);
}

// holdThreads(on): helper threads spin between jobs while on (a burst of small kernels: batch-1 inference).
napi_value HoldThreads(napi_env env, napi_callback_info info) {
  Args args(env, info, "holdThreads");
  args.no_kernel();
  bool on = args.boolean(0);
  if (args.failed) return nullptr;
  pool_hold(on);
  return args.undefined();
}

napi_value SetNumThreads(napi_env env, napi_callback_info info) {
  Args args(env, info, "setNumThreads");
  args.no_kernel();
  idx n = args.integer(0);
  if (args.failed) return nullptr;
  set_num_threads(static_cast<int>(n));
  return make_number(env, num_threads());
}

// matmul(a, b, out, m, n, k, transposeA, transposeB, aIndex | null, bIndex | null)
napi_value Matmul(napi_env env, napi_callback_info info) {
  Args args(env, info, "matmul");
  idx la = 0, lb = 0, lc = 0, lai = 0, lbi = 0;
  const float* a = args.f32(0, &la);
  const float* b = args.f32(1, &lb);
  float* c = args.f32(2, &lc);
  idx m = args.integer(3), n = args.integer(4), k = args.integer(5);
  bool ta = args.boolean(6), tb = args.boolean(7);
  const std::int32_t* ai = args.is_null(8) ? nullptr : args.i32(8, &lai);
  const std::int32_t* bi = args.is_null(9) ? nullptr : args.i32(9, &lbi);
  if (args.failed) return nullptr;
  if (m < 0 || n < 0 || k < 0) return args.range_error("negative dimension");
  idx nb = m * n > 0 ? lc / (m * n) : 0;
  if (m * n > 0 && nb * m * n != lc) return args.range_error("output size is not a multiple of m * n");
  if ((ai && lai != nb) || (bi && lbi != nb)) return args.range_error("batch index arrays must have one entry per output matrix");
  for (idx p = 0; p < nb; p++) {
    idx ia = ai ? ai[p] : p, ib = bi ? bi[p] : p;
    if (ia < 0 || (ia + 1) * m * k > la || ib < 0 || (ib + 1) * k * n > lb) return args.range_error("operand too small");
  }
  // The batch indices by value: JS may refill their arrays before a recording is replayed.
  std::vector<std::int32_t> av(ai ? ai : nullptr, ai ? ai + nb : nullptr), bv(bi ? bi : nullptr, bi ? bi + nb : nullptr);
  args.run([=] { matmul(a, b, c, nb, ai ? av.data() : nullptr, bi ? bv.data() : nullptr, m, n, k, ta, tb); });
  return args.undefined();
}

// conv2d(x, w, out, geom)
napi_value Conv2d(napi_env env, napi_callback_info info) {
  Args args(env, info, "conv2d");
  idx lx = 0, lw = 0, lo = 0, cout = 0;
  const float* x = args.f32(0, &lx);
  const float* w = args.f32(1, &lw);
  float* out = args.f32(2, &lo);
  ConvGeom g;
  if (args.failed || !read_geom(args, 3, &g, &cout)) return nullptr;
  g.x = x;
  if (!check_len(args, lx, g.n * g.h * g.w * g.c, "x") || !check_len(args, lw, g.cols() * cout, "filter") ||
      !check_len(args, lo, g.rows() * cout, "output"))
    return nullptr;
  args.run([=] { conv2d(g, w, cout, out); });
  return args.undefined();
}

// conv2dBackpropInput(dy, w, dx, geom)
napi_value Conv2dBackpropInput(napi_env env, napi_callback_info info) {
  Args args(env, info, "conv2dBackpropInput");
  idx ly = 0, lw = 0, lx = 0, cout = 0;
  const float* dy = args.f32(0, &ly);
  const float* w = args.f32(1, &lw);
  float* dx = args.f32(2, &lx);
  ConvGeom g;
  if (args.failed || !read_geom(args, 3, &g, &cout)) return nullptr;
  if (!check_len(args, ly, g.rows() * cout, "dy") || !check_len(args, lw, g.cols() * cout, "filter") ||
      !check_len(args, lx, g.n * g.h * g.w * g.c, "dx"))
    return nullptr;
  conv2d_backprop_input(g, dy, w, cout, dx);
  return args.undefined();
}

// conv2dBackpropFilter(x, dy, dw, geom)
napi_value Conv2dBackpropFilter(napi_env env, napi_callback_info info) {
  Args args(env, info, "conv2dBackpropFilter");
  idx lx = 0, ly = 0, lw = 0, cout = 0;
  const float* x = args.f32(0, &lx);
  const float* dy = args.f32(1, &ly);
  float* dw = args.f32(2, &lw);
  ConvGeom g;
  if (args.failed || !read_geom(args, 3, &g, &cout)) return nullptr;
  g.x = x;
  if (!check_len(args, lx, g.n * g.h * g.w * g.c, "x") || !check_len(args, ly, g.rows() * cout, "dy") ||
      !check_len(args, lw, g.cols() * cout, "dw"))
    return nullptr;
  conv2d_backprop_filter(g, dy, cout, dw);
  return args.undefined();
}

napi_value Init(napi_env env, napi_value exports) {
  export_functions(env, exports, {
      {"info", Info},
      {"setIsa", SetIsa},
      {"setNumThreads", SetNumThreads},
      {"holdThreads", HoldThreads},
      {"matmul", Matmul},
      {"conv2d", Conv2d},
      {"conv2dBackpropInput", Conv2dBackpropInput},
      {"conv2dBackpropFilter", Conv2dBackpropFilter},
  });
  register_loop_kernels(env, exports);
  register_select_kernels(env, exports);
  register_memory_kernels(env, exports);
  register_buffer_pool(env, exports);
  register_softmax_kernels(env, exports);
  register_recorded(env, exports);
  register_copy_box(env, exports);
  register_norm_kernels(env, exports);
  register_optim_kernels(env, exports);
  register_bias_act_kernels(env, exports);
  return exports;
}

}  // namespace
}  // namespace dt

NAPI_MODULE_INIT() { return dt::Init(env, exports); }
