// Threaded drivers of the per-ISA loop kernels (simd.inc): pooling, elementwise,
// reductions, and the transpose (plain memory movement, baseline ISA).
#include <cstring>
#include <vector>

#include "kernels.h"
#include "simd.h"

namespace dt {

namespace {


template <class F>
void parallel_rows(idx rows, double cost_per_row, F&& f) {
  int nt = threads_for_work(rows * cost_per_row);
  if (nt > rows) nt = static_cast<int>(rows > 0 ? rows : 1);
  parallel(nt, [&](int tid, int n) {
    idx r0, r1;
    split_range(rows, tid, n, 1, &r0, &r1);
    if (r1 > r0) f(r0, r1);
  });
}

}  // namespace

// ------------------------------------------------------------------------------------------------
// Pooling

void max_pool2d(const PoolArgs& a) {
  parallel_rows(a.n * a.oh, static_cast<double>(a.ow) * a.kh * a.kw * a.c,
                [&](idx r0, idx r1) { DT_SIMD_CALL(max_pool, a, r0, r1); });
}

void avg_pool2d(const PoolArgs& a) {
  parallel_rows(a.n * a.oh, static_cast<double>(a.ow) * a.kh * a.kw * a.c,
                [&](idx r0, idx r1) { DT_SIMD_CALL(avg_pool, a, r0, r1); });
}

namespace {

// Backprops scatter into overlapping windows, so threads split images (or, for one image, channels).
template <class F>
void pool_backprop_split(const PoolArgs& a, F&& f) {
  std::memset(a.out, 0, sizeof(float) * a.n * a.h * a.w * a.c);
  int nt = threads_for_work(static_cast<double>(a.n) * a.oh * a.ow * a.kh * a.kw * a.c);
  bool by_image = a.n >= nt || a.c < 8 * nt;
  parallel(nt, [&](int tid, int n) {
    PoolArgs s = a;
    idx b0 = 0, b1 = a.n;
    s.c0 = 0;
    s.c1 = a.c;
    if (by_image) split_range(a.n, tid, n, 1, &b0, &b1);
    else split_range(a.c, tid, n, 8, &s.c0, &s.c1);
    if (b1 > b0 && s.c1 > s.c0) f(s, b0, b1);
  });
}

}  // namespace

void max_pool2d_backprop(const PoolArgs& a) {
  if (a.kh == a.sh && a.kw == a.sw && a.pt == 0 && a.pl == 0 && a.oh * a.kh <= a.h && a.ow * a.kw <= a.w) {
    // Windows tile the input: every dx row is written once, no clearing or scatter (simd_conv.inc).
    const idx rows = a.n * a.oh;
    int nt = threads_for_work(static_cast<double>(a.n) * a.h * a.w * a.c);
    if (nt > rows) nt = static_cast<int>(rows > 0 ? rows : 1);
    parallel(nt, [&](int tid, int n) {
      idx r0, r1;
      split_range(rows, tid, n, 1, &r0, &r1);
      if (r1 > r0) DT_SIMD_CALL(max_pool_backprop_tiled, a, r0, r1);
    });
    // Input rows below the last window.
    for (idx b = 0; b < a.n; b++) {
      const idx y0 = a.oh * a.kh;
      if (y0 < a.h) std::memset(a.out + (b * a.h + y0) * a.w * a.c, 0, sizeof(float) * (a.h - y0) * a.w * a.c);
    }
    return;
  }
  pool_backprop_split(a, [&](const PoolArgs& s, idx b0, idx b1) {
    idx* arg = reinterpret_cast<idx*>(scratch(2, 2 * (s.c1 - s.c0)));
    DT_SIMD_CALL(max_pool_backprop, s, b0, b1, arg);
  });
}

void avg_pool2d_backprop(const PoolArgs& a) {
  pool_backprop_split(a, [&](const PoolArgs& s, idx b0, idx b1) {
    DT_SIMD_CALL(avg_pool_backprop, s, b0, b1, scratch(2, s.c1 - s.c0));
  });
}

// ------------------------------------------------------------------------------------------------
// Elementwise

void unary(int op, const float* x, float* y, idx n) {
  double cost = op >= U_EXP && op <= U_SIGMOID ? 8.0 : (op == U_SOFTPLUS ? 16.0 : 0.5);
  int nt = threads_for_work(n * cost);
  parallel(nt, [&](int tid, int nth) {
    idx i0, i1;
    split_range(n, tid, nth, 64, &i0, &i1);
    if (i1 > i0) DT_SIMD_CALL(unary_f32, op, x + i0, y + i0, i1 - i0);
  });
}

void binary(int op, const float* a, const float* b, float* y, int rank, const idx* shape, const idx* sa, const idx* sb) {
  if (rank == 0) {
    DT_SIMD_CALL(binary_f32, op, a, 0, b, 0, y, 1);
    return;
  }
  const idx inner = shape[rank - 1];
  idx rows = 1;
  for (int d = 0; d < rank - 1; d++) rows *= shape[d];
  const idx ia = sa[rank - 1], ib = sb[rank - 1];
  if (rows == 1) {
    // One row (same shape or scalar operand): split the row itself.
    int nt = threads_for_work(inner * 0.5);
    parallel(nt, [&](int tid, int nth) {
      idx i0, i1;
      split_range(inner, tid, nth, 64, &i0, &i1);
      if (i1 > i0) DT_SIMD_CALL(binary_f32, op, a + i0 * ia, ia, b + i0 * ib, ib, y + i0, i1 - i0);
    });
    return;
  }
  parallel_rows(rows, inner * 0.5, [&](idx r0, idx r1) {
    idx pos[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    idx rem = r0;
    for (int d = rank - 2; d >= 0; d--) {
      pos[d] = rem % shape[d];
      rem /= shape[d];
    }
    for (idx r = r0; r < r1; r++) {
      idx oa = 0, ob = 0;
      for (int d = 0; d < rank - 1; d++) {
        oa += pos[d] * sa[d];
        ob += pos[d] * sb[d];
      }
      DT_SIMD_CALL(binary_f32, op, a + oa, ia, b + ob, ib, y + r * inner, inner);
      for (int d = rank - 2; d >= 0; d--) {
        if (++pos[d] < shape[d]) break;
        pos[d] = 0;
      }
    }
  });
}

// ------------------------------------------------------------------------------------------------
// Reductions: x viewed as [outer, len, inner], reduced over the middle axis.

void reduce(int op, const float* x, float* y, idx outer, idx len, idx inner) {
  const int nt = threads_for_work(static_cast<double>(outer) * len * inner);
  if (inner == 1) {
    if (outer >= nt) {
      parallel_rows(outer, static_cast<double>(len), [&](idx r0, idx r1) {
        DT_SIMD_CALL(reduce_rows, op, x + r0 * len, r1 - r0, len, y + r0);
      });
      return;
    }
    // Few long rows: each thread reduces a slice of every row; the slices are combined at the end.
    std::vector<float> part(static_cast<size_t>(outer * nt));
    parallel(nt, [&](int tid, int n) {
      idx k0, k1;
      split_range(len, tid, n, 64, &k0, &k1);
      for (idx o = 0; o < outer; o++) {
        if (k1 > k0) DT_SIMD_CALL(reduce_rows, op, x + o * len + k0, 1, k1 - k0, &part[o * n + tid]);
        else part[o * n + tid] = op == R_SUM ? 0.0f : (op == R_MAX ? -__builtin_inff() : __builtin_inff());
      }
    });
    for (idx o = 0; o < outer; o++) DT_SIMD_CALL(reduce_rows, op, &part[o * nt], 1, nt, y + o);
    return;
  }
  if (outer >= nt) {
    parallel_rows(outer, static_cast<double>(len) * inner, [&](idx r0, idx r1) {
      double* acc = reinterpret_cast<double*>(scratch(2, 2 * inner));
      DT_SIMD_CALL(reduce_cols, op, x + r0 * len * inner, r1 - r0, len, inner, inner, y + r0 * inner, inner, acc);
    });
    return;
  }
  parallel(nt, [&](int tid, int n) {
    idx i0, i1;
    split_range(inner, tid, n, 16, &i0, &i1);
    if (i1 <= i0) return;
    double* acc = reinterpret_cast<double*>(scratch(2, 2 * (i1 - i0)));
    DT_SIMD_CALL(reduce_cols, op, x + i0, outer, len, i1 - i0, inner, y + i0, inner, acc);
  });
}

// ------------------------------------------------------------------------------------------------
// Transpose (rank <= 8 after the caller merged axes that stay adjacent)

void transpose(const float* x, float* y, int rank, const idx* shape, const int* perm) {
  idx istr[8] = {}, os[8] = {}, src[8] = {};
  idx total = 1;
  for (idx d = rank - 1, acc = 1; d >= 0; d--) {
    istr[d] = acc;
    acc *= shape[d];
  }
  for (int d = 0; d < rank; d++) {
    os[d] = shape[perm[d]];
    src[d] = istr[perm[d]];
    total *= os[d];
  }
  if (total == 0) return;
  if (rank == 0) {
    y[0] = x[0];
    return;
  }
  idx ostr[8];
  for (idx d = rank - 1, acc = 1; d >= 0; d--) {
    ostr[d] = acc;
    acc *= os[d];
  }
  const int last = rank - 1;
  // j: the output axis that is the input's innermost; tiles of 16 x 16 over (j, last) keep both the
  // reads and the writes within a few cache lines.
  int j = 0;
  for (int d = 0; d < rank; d++)
    if (perm[d] == rank - 1) j = d;
  if (j == last) {
    idx rows = total / os[last];
    parallel_rows(rows, static_cast<double>(os[last]), [&](idx r0, idx r1) {
      for (idx r = r0; r < r1; r++) {
        idx rem = r, off = 0;
        for (int d = last - 1; d >= 0; d--) {
          off += (rem % os[d]) * src[d];
          rem /= os[d];
        }
        std::memcpy(y + r * os[last], x + off, sizeof(float) * os[last]);
      }
    });
    return;
  }
  const idx T = 16;
  const idx nj = (os[j] + T - 1) / T;
  const idx outer = total / (os[j] * os[last]);
  parallel_rows(outer * nj, static_cast<double>(T) * os[last], [&](idx w0, idx w1) {
    for (idx w = w0; w < w1; w++) {
      idx o = w / nj, jb = (w % nj) * T;
      idx rem = o, ioff = 0, ooff = 0;
      for (int d = last - 1; d >= 0; d--) {
        if (d == j) continue;
        idx p = rem % os[d];
        rem /= os[d];
        ioff += p * src[d];
        ooff += p * ostr[d];
      }
      idx je = jb + T < os[j] ? jb + T : os[j];
      for (idx lb = 0; lb < os[last]; lb += T) {
        idx le = lb + T < os[last] ? lb + T : os[last];
        for (idx jj = jb; jj < je; jj++) {
          const float* s = x + ioff + jj;  // src[j] == 1
          float* d = y + ooff + jj * ostr[j];
          for (idx l = lb; l < le; l++) d[l] = s[l * src[last]];
        }
      }
    }
  });
}

}  // namespace dt
