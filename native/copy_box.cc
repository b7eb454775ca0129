// copyBox: a box of a float32 tensor copied into a box of another, after optionally filling the target with a
// constant: constant padding (fill, then copy x into the middle) and slicing (copy a box of x) in native code,
// so an inference plan that pads or slices between convolutions can be recorded (recorded.cc).
#include <cstring>

#include "addon_common.h"

namespace dt {

namespace {

constexpr int kMaxRank = 8;

struct Box {
  int rank;
  idx xs[kMaxRank], ys[kMaxRank], x0[kMaxRank], y0[kMaxRank], size[kMaxRank];
};

void copy_box(const float* x, float* y, const Box& b, bool fill, float value, idx ylen) {
  if (fill) {
    if (value == 0.f) std::memset(y, 0, static_cast<size_t>(ylen) * sizeof(float));
    else
      for (idx i = 0; i < ylen; i++) y[i] = value;
  }
  idx total = 1;
  for (int d = 0; d < b.rank; d++) total *= b.size[d];
  if (total == 0) return;
  idx xst[kMaxRank], yst[kMaxRank];
  idx s = 1, t = 1;
  for (int d = b.rank - 1; d >= 0; d--) {
    xst[d] = s;
    yst[d] = t;
    s *= b.xs[d];
    t *= b.ys[d];
  }
  // Trailing dimensions taken whole in both tensors join the innermost run.
  int last = b.rank - 1;
  while (last > 0 && b.size[last] == b.xs[last] && b.size[last] == b.ys[last]) last--;
  idx run = 1;
  for (int d = last; d < b.rank; d++) run *= b.size[d];
  idx xb = 0, yb = 0;
  for (int d = 0; d < b.rank; d++) {
    xb += b.x0[d] * xst[d];
    yb += b.y0[d] * yst[d];
  }
  idx at[kMaxRank] = {0, 0, 0, 0, 0, 0, 0, 0};
  for (idx done = 0; done < total; done += run) {
    idx xo = xb, yo = yb;
    for (int d = 0; d < last; d++) {
      xo += at[d] * xst[d];
      yo += at[d] * yst[d];
    }
    std::memcpy(y + yo, x + xo, static_cast<size_t>(run) * sizeof(float));
    for (int d = last - 1; d >= 0; d--) {
      if (++at[d] < b.size[d]) break;
      at[d] = 0;
    }
  }
}

// copyBox(x, y, xShape, yShape, xStart, yStart, size, fill | null): Int32Arrays of one rank <= 8; the box
// [xStart, xStart + size) of x goes to [yStart, yStart + size) of y, after y is filled with `fill` (a number).
napi_value CopyBox(napi_env env, napi_callback_info info) {
  Args args(env, info, "copyBox");
  idx lx = 0, ly = 0, r[5] = {0, 0, 0, 0, 0};
  const float* x = args.f32(0, &lx);
  float* y = args.f32(1, &ly);
  const std::int32_t* v[5];
  for (int k = 0; k < 5; k++) v[k] = args.i32(2 + k, &r[k]);
  const bool fill = !args.is_null(7);
  const float value = fill ? static_cast<float>(args.number(7)) : 0.f;
  if (args.failed) return nullptr;
  Box b{};
  b.rank = static_cast<int>(r[0]);
  for (int k = 1; k < 5; k++)
    if (r[k] != r[0]) return args.range_error("shapes, starts and size must have the same rank");
  if (b.rank < 1 || b.rank > kMaxRank) return args.range_error("rank must be 1 to 8");
  idx nx = 1, ny = 1;
  for (int d = 0; d < b.rank; d++) {
    b.xs[d] = v[0][d];
    b.ys[d] = v[1][d];
    b.x0[d] = v[2][d];
    b.y0[d] = v[3][d];
    b.size[d] = v[4][d];
    if (b.xs[d] < 0 || b.ys[d] < 0 || b.x0[d] < 0 || b.y0[d] < 0 || b.size[d] < 0 || b.x0[d] + b.size[d] > b.xs[d] ||
        b.y0[d] + b.size[d] > b.ys[d])
      return args.range_error("the box must lie inside both shapes");
    nx *= b.xs[d];
    ny *= b.ys[d];
  }
  if (!check_len(args, lx, nx, "x") || !check_len(args, ly, ny, "y")) return nullptr;
  args.run([=] { copy_box(x, y, b, fill, value, ly); });
  return args.undefined();
}

}  // namespace

void register_copy_box(napi_env env, napi_value exports) {
  export_functions(env, exports, {{"copyBox", CopyBox}});
}

}  // namespace dt
