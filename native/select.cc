// Float32 comparisons (to bool bytes), logical and/or/xor of bools, and select (where) over flat operands whose strides are 0 or 1:
// the shapes the ops produce most (same shape, or a scalar operand), e.g. relu's gradient
// where(greater(x, 0), dy, 0). Other broadcasts stay on the js kernels.
#include <cstdint>

#include "addon_common.h"

namespace dt {

namespace {

// The float bits, read without breaking strict aliasing.
typedef std::uint32_t __attribute__((may_alias)) u32a;

enum CompareCode { C_EQUAL, C_NOT_EQUAL, C_LESS, C_LESS_EQUAL, C_GREATER, C_GREATER_EQUAL, C_COUNT };

template <class F>
void flat_parallel(idx n, F&& f) {
  int nt = threads_for_work(n * 0.5);
  parallel(nt, [&](int tid, int nth) {
    idx i0, i1;
    split_range(n, tid, nth, 256, &i0, &i1);
    if (i1 > i0) f(i0, i1);
  });
}

template <class Cmp>
void compare_loop(const float* a, idx sa, const float* b, idx sb, std::uint8_t* y, idx n, Cmp cmp) {
  flat_parallel(n, [&](idx i0, idx i1) {
    if (sa == 1 && sb == 1)
      for (idx i = i0; i < i1; i++) y[i] = cmp(a[i], b[i]) ? 1 : 0;
    else if (sa == 1) {
      const float s = b[0];
      for (idx i = i0; i < i1; i++) y[i] = cmp(a[i], s) ? 1 : 0;
    } else if (sb == 1) {
      const float s = a[0];
      for (idx i = i0; i < i1; i++) y[i] = cmp(s, b[i]) ? 1 : 0;
    } else
      for (idx i = i0; i < i1; i++) y[i] = cmp(a[0], b[0]) ? 1 : 0;
  });
}

bool flat_len(Args& args, idx len, idx stride, idx n, const char* what) {
  if ((stride == 0 && len >= 1) || (stride == 1 && len == n)) return true;
  char msg[120];
  snprintf(msg, sizeof msg, "%s: stride must be 0 (length >= 1) or 1 (length n)", what);
  args.range_error(msg);
  return false;
}

// compare(op, a, sa, b, sb, y): y[i] = a[i*sa] <op> b[i*sb] as 0/1 bytes; strides 0 or 1.
napi_value Compare(napi_env env, napi_callback_info info) {
  Args args(env, info, "compare");
  idx op = args.integer(0), la = 0, lb = 0, ly = 0;
  const float* a = args.f32(1, &la);
  idx sa = args.integer(2);
  const float* b = args.f32(3, &lb);
  idx sb = args.integer(4);
  std::uint8_t* y = args.u8(5, &ly);
  if (args.failed) return nullptr;
  if (op < 0 || op >= C_COUNT) return args.range_error("unknown compare op code");
  if (ly == 0) return args.undefined();
  if (!flat_len(args, la, sa, ly, "a") || !flat_len(args, lb, sb, ly, "b")) return nullptr;
  switch (op) {
    case C_EQUAL: compare_loop(a, sa, b, sb, y, ly, [](float u, float v) { return u == v; }); break;
    case C_NOT_EQUAL: compare_loop(a, sa, b, sb, y, ly, [](float u, float v) { return u != v; }); break;
    case C_LESS: compare_loop(a, sa, b, sb, y, ly, [](float u, float v) { return u < v; }); break;
    case C_LESS_EQUAL: compare_loop(a, sa, b, sb, y, ly, [](float u, float v) { return u <= v; }); break;
    case C_GREATER: compare_loop(a, sa, b, sb, y, ly, [](float u, float v) { return u > v; }); break;
    default: compare_loop(a, sa, b, sb, y, ly, [](float u, float v) { return u >= v; }); break;
  }
  return args.undefined();
}

// logical(op, a, sa, b, sb, y): bool bytes; op 0 and, 1 or, 2 xor (nonzero is true); strides 0 or 1.
napi_value Logical(napi_env env, napi_callback_info info) {
  Args args(env, info, "logical");
  idx op = args.integer(0), la = 0, lb = 0, ly = 0;
  const std::uint8_t* a = args.u8(1, &la);
  idx sa = args.integer(2);
  const std::uint8_t* b = args.u8(3, &lb);
  idx sb = args.integer(4);
  std::uint8_t* y = args.u8(5, &ly);
  if (args.failed) return nullptr;
  if (op < 0 || op > 2) return args.range_error("unknown logical op code");
  if (ly == 0) return args.undefined();
  if (!flat_len(args, la, sa, ly, "a") || !flat_len(args, lb, sb, ly, "b")) return nullptr;
  flat_parallel(ly, [&](idx i0, idx i1) {
    if (sa == 1 && sb == 1) {
      if (op == 0) for (idx i = i0; i < i1; i++) y[i] = (a[i] != 0) & (b[i] != 0);
      else if (op == 1) for (idx i = i0; i < i1; i++) y[i] = (a[i] != 0) | (b[i] != 0);
      else for (idx i = i0; i < i1; i++) y[i] = (a[i] != 0) ^ (b[i] != 0);
    } else {
      for (idx i = i0; i < i1; i++) {
        const int u = a[i * sa] != 0, v = b[i * sb] != 0;
        y[i] = static_cast<std::uint8_t>(op == 0 ? (u & v) : op == 1 ? (u | v) : (u ^ v));
      }
    }
  });
  return args.undefined();
}

// select(c, sc, a, sa, b, sb, y): y[i] = c[i*sc] ? a[i*sa] : b[i*sb]; strides 0 or 1.
napi_value Select(napi_env env, napi_callback_info info) {
  Args args(env, info, "select");
  idx lc = 0, la = 0, lb = 0, ly = 0;
  const std::uint8_t* c = args.u8(0, &lc);
  idx sc = args.integer(1);
  const float* a = args.f32(2, &la);
  idx sa = args.integer(3);
  const float* b = args.f32(4, &lb);
  idx sb = args.integer(5);
  float* y = args.f32(6, &ly);
  if (args.failed) return nullptr;
  if (ly == 0) return args.undefined();
  if (!flat_len(args, lc, sc, ly, "cond") || !flat_len(args, la, sa, ly, "a") || !flat_len(args, lb, sb, ly, "b"))
    return nullptr;
  // Bitwise selects: no branch to mispredict on random conditions (relu's mask), and they vectorize.
  flat_parallel(ly, [&](idx i0, idx i1) {
    const u32a* ua = reinterpret_cast<const u32a*>(a);
    const u32a* ub = reinterpret_cast<const u32a*>(b);
    u32a* uy = reinterpret_cast<u32a*>(y);
    if (sc == 1 && sa == 1 && sb == 0) {
      const std::uint32_t s = ub[0];
      for (idx i = i0; i < i1; i++) {
        const std::uint32_t m = 0u - static_cast<std::uint32_t>(c[i] != 0);
        uy[i] = (ua[i] & m) | (s & ~m);
      }
    } else if (sc == 1 && sa == 0 && sb == 1) {
      const std::uint32_t s = ua[0];
      for (idx i = i0; i < i1; i++) {
        const std::uint32_t m = 0u - static_cast<std::uint32_t>(c[i] != 0);
        uy[i] = (s & m) | (ub[i] & ~m);
      }
    } else if (sc == 1 && sa == 1 && sb == 1) {
      for (idx i = i0; i < i1; i++) {
        const std::uint32_t m = 0u - static_cast<std::uint32_t>(c[i] != 0);
        uy[i] = (ua[i] & m) | (ub[i] & ~m);
      }
    } else {
      for (idx i = i0; i < i1; i++) y[i] = c[i * sc] ? a[i * sa] : b[i * sb];
    }
  });
  return args.undefined();
}

// reluBackprop(relu6, dy, x, y): y[i] = dy[i] where x[i] > 0 (and x[i] < 6 when relu6 is 1), else 0.
napi_value ReluBackprop(napi_env env, napi_callback_info info) {
  Args args(env, info, "reluBackprop");
  idx six = args.integer(0), lg = 0, lx = 0, ly = 0;
  const float* g = args.f32(1, &lg);
  const float* x = args.f32(2, &lx);
  float* y = args.f32(3, &ly);
  if (args.failed) return nullptr;
  if (!check_len(args, lg, ly, "dy") || !check_len(args, lx, ly, "x")) return nullptr;
  flat_parallel(ly, [&](idx i0, idx i1) {
    const u32a* ug = reinterpret_cast<const u32a*>(g);
    u32a* uy = reinterpret_cast<u32a*>(y);
    if (six)
      for (idx i = i0; i < i1; i++) uy[i] = ug[i] & (0u - static_cast<std::uint32_t>((x[i] > 0.0f) & (x[i] < 6.0f)));
    else
      for (idx i = i0; i < i1; i++) uy[i] = ug[i] & (0u - static_cast<std::uint32_t>(x[i] > 0.0f));
  });
  return args.undefined();
}

}  // namespace

void register_select_kernels(napi_env env, napi_value exports) {
  export_functions(env, exports, {{"compare", Compare}, {"logical", Logical}, {"reluBackprop", ReluBackprop}, {"select", Select}});
}

}  // namespace dt
