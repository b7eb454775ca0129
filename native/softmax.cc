// softmax and log-softmax along the last axis, one row at a time with the vectorised row loops of the
// active instruction set (max, subtract, exp, sum, scale): two passes over each row instead of the five
// full-size tensors of the composite, threaded over rows.
#include <cmath>
#include <vector>

#include "addon_common.h"
#include "simd.h"

namespace dt {
namespace {

void softmax_rows(const float* x, float* y, idx rows, idx len, bool log) {
  // About 12 element-operations an element (exp dominates).
  int nt = threads_for_work(12.0 * static_cast<double>(rows) * static_cast<double>(len));
  if (nt > rows) nt = static_cast<int>(rows > 0 ? rows : 1);
  parallel(nt, [&](int tid, int n) {
    idx r0, r1;
    split_range(rows, tid, n, 1, &r0, &r1);
    std::vector<float> buf(log ? static_cast<size_t>(len) : 0);
    float* tmp = buf.data();
    for (idx r = r0; r < r1; r++) {
      const float* xr = x + r * len;
      float* yr = y + r * len;
      float m = 0.0f, s = 0.0f;
      DT_SIMD_CALL(reduce_rows, R_MAX, xr, 1, len, &m);
      DT_SIMD_CALL(binary_f32, B_SUB, xr, 1, &m, 0, yr, len);
      float* e = log ? tmp : yr;
      DT_SIMD_CALL(unary_f32, U_EXP, yr, e, len);
      DT_SIMD_CALL(reduce_rows, R_SUM, e, 1, len, &s);
      if (log) {
        float ls = std::log(s);
        DT_SIMD_CALL(binary_f32, B_SUB, yr, 1, &ls, 0, yr, len);
      } else {
        DT_SIMD_CALL(binary_f32, B_DIV, yr, 1, &s, 0, yr, len);
      }
    }
  });
}

// softmax(x, y, len, log): x and y of the same size, a multiple of len (the last axis).
napi_value Softmax(napi_env env, napi_callback_info info) {
  Args args(env, info, "softmax");
  idx lx = 0, ly = 0;
  const float* x = args.f32(0, &lx);
  float* y = args.f32(1, &ly);
  idx len = args.integer(2);
  bool log = args.boolean(3);
  if (args.failed) return nullptr;
  if (!check_len(args, lx, ly, "x")) return nullptr;
  if (len < 1 || lx % len != 0) return args.range_error("softmax: the row length must divide the size");
  args.run([=] { softmax_rows(x, y, lx / len, len, log); });
  return args.undefined();
}

}  // namespace

void register_softmax_kernels(napi_env env, napi_value exports) {
  export_functions(env, exports, {{"softmax", Softmax}});
}

}  // namespace dt
