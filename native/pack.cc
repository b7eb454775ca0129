// Packing of GEMM operands into the micro-kernel's panel layout (see common.h, UKernelFn), including
// the implicit im2col of convolutions.
#include <cstring>
#include <vector>

#include "pack.h"

namespace dt {
namespace {

inline idx min_(idx a, idx b) { return a < b ? a : b; }

// Packs rows [i0, i0 + mc) x cols [p0, p0 + kc) of A into micro-panels of mr rows: panel r holds
// kc groups of mr floats (rows past mc are zero).
void pack_a_strided(const MatRef& A, idx i0, idx p0, idx mc, idx kc, int mr, float* out) {
  if (A.rs == 1) {
    // Transposed A: row p of the block is contiguous over i. Read it once, whole, and deal it out to
    // the panels (reading per panel would touch a new cache line for every few floats).
    for (idx p = 0; p < kc; p++) {
      const float* src = A.p + i0 + (p0 + p) * A.cs;
      for (idx ir = 0; ir < mc; ir += mr) {
        float* d = out + ir * kc + p * mr;
        idx rows = min_(mr, mc - ir);
        idx i = 0;
        for (; i < rows; i++) d[i] = src[ir + i];
        for (; i < mr; i++) d[i] = 0.0f;
      }
    }
    return;
  }
  for (idx ir = 0; ir < mc; ir += mr) {
    idx rows = min_(mr, mc - ir);
    float* dst = out + ir * kc;
    const float* base = A.p + (i0 + ir) * A.rs + p0 * A.cs;
    if (A.rs == 1) {
      // Transposed A: handled below for the whole block at once.
      break;
    } else if (A.cs == 1 && rows == mr) {
      // Row-major A: read mr rows side by side in blocks of 8 columns to keep the writes sequential.
      idx p = 0;
      for (; p + 8 <= kc; p += 8) {
        float* d = dst + p * mr;
        for (int i = 0; i < mr; i++) {
          const float* src = base + i * A.rs + p;
          for (int q = 0; q < 8; q++) d[q * mr + i] = src[q];
        }
      }
      for (; p < kc; p++)
        for (int i = 0; i < mr; i++) dst[p * mr + i] = base[i * A.rs + p];
    } else {
      for (idx p = 0; p < kc; p++) {
        float* d = dst + p * mr;
        idx i = 0;
        for (; i < rows; i++) d[i] = base[i * A.rs + p * A.cs];
        for (; i < mr; i++) d[i] = 0.0f;
      }
    }
  }
}

}  // namespace

// Packs rows [p0, p0 + kc) x cols [j0, j0 + nc) of B into micro-panels of nr columns: panel j holds
// kc rows of nr floats (columns past nc are zero).
void pack_b(const MatRef& B, idx p0, idx j0, idx kc, idx nc, int nr, float* out) {
  for (idx jr = 0; jr < nc; jr += nr) {
    idx cols = min_(nr, nc - jr);
    float* dst = out + jr * kc;
    const float* base = B.p + p0 * B.rs + (j0 + jr) * B.cs;
    if (B.cs == 1) {
      for (idx p = 0; p < kc; p++) {
        const float* src = base + p * B.rs;
        float* d = dst + p * nr;
        if (cols == nr) {
          std::memcpy(d, src, sizeof(float) * nr);
        } else {
          idx j = 0;
          for (; j < cols; j++) d[j] = src[j];
          for (; j < nr; j++) d[j] = 0.0f;
        }
      }
    } else if (B.rs == 1 && cols == nr) {
      // Transposed B: each column is contiguous; go 8 rows at a time to keep the writes sequential.
      idx p = 0;
      for (; p + 8 <= kc; p += 8) {
        float* d = dst + p * nr;
        for (int j = 0; j < nr; j++) {
          const float* src = base + j * B.cs + p;
          for (int q = 0; q < 8; q++) d[q * nr + j] = src[q];
        }
      }
      for (; p < kc; p++)
        for (int j = 0; j < nr; j++) dst[p * nr + j] = base[j * B.cs + p];
    } else {
      for (idx p = 0; p < kc; p++) {
        float* d = dst + p * nr;
        idx j = 0;
        for (; j < cols; j++) d[j] = base[p * B.rs + j * B.cs];
        for (; j < nr; j++) d[j] = 0.0f;
      }
    }
  }
}

namespace {

// Interleaves MR source streams of `run` floats into MR-wide groups (one packed column per float).
template <int MR>
inline void interleave(const float* const* src, idx run, float* d) {
  for (idx q = 0; q < run; q++, d += MR)
    for (int i = 0; i < MR; i++) d[i] = src[i][q];
}

inline void interleave_any(const float* const* src, idx run, int mr, float* d) {
  switch (mr) {
    case 6: interleave<6>(src, run, d); break;
    case 12: interleave<12>(src, run, d); break;
    default:
      for (idx q = 0; q < run; q++, d += mr)
        for (int i = 0; i < mr; i++) d[i] = src[i][q];
  }
}

// Implicit im2col packing: the taps of mr output pixels at once, so the writes stay sequential and
// the row decomposition (divisions) happens once per pixel and block.
void pack_a_conv(const ConvGeom& g, idx i0, idx p0, idx mc, idx kc, int mr, float* out) {
  static thread_local std::vector<float> zeros;
  if (static_cast<idx>(zeros.size()) < g.c) zeros.assign(static_cast<size_t>(g.c), 0.0f);
  const idx pix = g.oh * g.ow, kwc = g.kw * g.c;
  const idx ky_start = p0 / kwc, kx_start = (p0 - ky_start * kwc) / g.c, ci_start = p0 - ky_start * kwc - kx_start * g.c;
  const UKernel& uk = ukernel();
  const float* src[16];
  idx iy0[16], ix0[16];
  const float* xb[16];
  for (idx ir = 0; ir < mc; ir += mr) {
    idx rows = min_(mr, mc - ir);
    for (idx i = 0; i < rows; i++) {
      idx r = i0 + ir + i, b = r / pix, rem = r - b * pix, oy = rem / g.ow, ox = rem - oy * g.ow;
      iy0[i] = oy * g.sh - g.pt;
      ix0[i] = ox * g.sw - g.pl;
      xb[i] = g.x + b * g.h * g.w * g.c;
    }
    float* d = out + ir * kc;
    idx ky = ky_start, kx = kx_start, ci = ci_start;
    for (idx pp = 0; pp < kc;) {
      idx run = min_(g.c - ci, kc - pp);
      for (int i = 0; i < mr; i++) {
        idx iy = i < rows ? iy0[i] + ky * g.dh : -1, ix = i < rows ? ix0[i] + kx * g.dw : -1;
        src[i] = (iy >= 0 && iy < g.h && ix >= 0 && ix < g.w) ? xb[i] + (iy * g.w + ix) * g.c + ci : zeros.data();
      }
      if (uk.interleave) uk.interleave(src, run, d + pp * mr);
      else interleave_any(src, run, mr, d + pp * mr);
      pp += run;
      ci = 0;
      if (++kx == g.kw) {
        kx = 0;
        ky++;
      }
    }
  }
}

}  // namespace

void pack_a(const ASrc& A, idx i0, idx p0, idx mc, idx kc, int mr, float* out) {
  if (A.conv) pack_a_conv(*A.conv, i0, p0, mc, kc, mr, out);
  else pack_a_strided(A.m, i0, p0, mc, kc, mr, out);
}

}  // namespace dt
