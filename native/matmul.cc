// Batched matrix product over broadcast batch dimensions, on top of the GEMM driver.
#include "kernels.h"

namespace dt {

void matmul(const float* a, const float* b, float* c, idx nb, const std::int32_t* ai, const std::int32_t* bi, idx m,
            idx n, idx k, bool ta, bool tb) {
  const idx sa = m * k, sb = k * n, sc = m * n;
  auto A = [&](idx p) { return MatRef{a + (ai ? ai[p] : p) * sa, ta ? 1 : k, ta ? m : 1}; };
  auto B = [&](idx p) { return MatRef{b + (bi ? bi[p] : p) * sb, tb ? 1 : n, tb ? k : 1}; };
  if (nb <= 0) return;
  if (nb == 1) {
    gemm(m, n, k, A(0), B(0), c, n, false);
    return;
  }
  // One shared B and consecutive A matrices (a dense layer over a batch): one tall GEMM.
  bool sharedB = true, consecutiveA = true;
  for (idx p = 0; p < nb; p++) {
    idx ia = ai ? ai[p] : p, ib = bi ? bi[p] : p;
    sharedB = sharedB && ib == (bi ? bi[0] : 0);
    consecutiveA = consecutiveA && ia == (ai ? ai[0] : 0) + p;
  }
  if (sharedB && consecutiveA && !ta) {
    gemm(nb * m, n, k, A(0), B(0), c, n, false);
    return;
  }
  int nt = num_threads();
  double flops = 2.0 * m * n * k;
  if (nt > 1 && nb >= nt && (flops < 8e6 || nb % nt == 0 || nb >= 4 * nt)) {
    // Many independent products: one thread per slice of the batch.
    parallel(nt, [&](int tid, int n_) {
      idx p0, p1;
      split_range(nb, tid, n_, 1, &p0, &p1);
      for (idx p = p0; p < p1; p++) gemm_serial(m, n, k, A(p), B(p), c + p * sc, n, false);
    });
    return;
  }
  for (idx p = 0; p < nb; p++) gemm(m, n, k, A(p), B(p), c + p * sc, n, false);
}

}  // namespace dt
