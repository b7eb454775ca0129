// Packing of GEMM operands (pack.cc).
#pragma once
#include "common.h"

namespace dt {

// Packs rows [i0, i0 + mc) x cols [p0, p0 + kc) of A into micro-panels of mr rows: panel r holds kc
// groups of mr floats (rows past mc are zero). May write up to 16 floats past mc * kc.
void pack_a(const ASrc& A, idx i0, idx p0, idx mc, idx kc, int mr, float* out);
// Packs rows [p0, p0 + kc) x cols [j0, j0 + nc) of B into micro-panels of nr columns: panel j holds
// kc rows of nr floats (columns past nc are zero).
void pack_b(const MatRef& B, idx p0, idx j0, idx kc, idx nc, int nr, float* out);

}  // namespace dt
