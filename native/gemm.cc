// GEMM driver (Goto/BLIS scheme): pack a kc x nc panel of B and an mc x kc block of A into contiguous
// micro-panels, then sweep the register-blocked micro-kernel over them. Threads each own a rectangle
// of C and run the serial driver on it, so no barriers are needed inside.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "common.h"
#include "pack.h"
#include "simd.h"

namespace dt {

// ---------------------------------------------------------------------------------------------
// Instruction-set dispatch

bool isa_supported(Isa isa) {
  switch (isa) {
    case Isa::generic:
      return true;
#if defined(__x86_64__) || defined(_M_X64)
    case Isa::avx2:
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case Isa::avx512:
      return __builtin_cpu_supports("avx512f");
#endif
    default:
      return false;
  }
}

const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::avx2:
      return "avx2";
    case Isa::avx512:
      return "avx512";
    default:
      return "generic";
  }
}

namespace {

Isa best_isa() {
  // DEEPTS_ISA=generic|avx2 caps the choice (for testing the portable paths on a newer CPU).
  Isa cap = Isa::avx512;
  if (const char* s = std::getenv("DEEPTS_ISA")) {
    if (!std::strcmp(s, "generic")) cap = Isa::generic;
    else if (!std::strcmp(s, "avx2")) cap = Isa::avx2;
  }
  for (int i = static_cast<int>(cap); i > 0; i--)
    if (isa_supported(static_cast<Isa>(i))) return static_cast<Isa>(i);
  return Isa::generic;
}

Isa g_isa = best_isa();

// DEEPTS_GEMM_BLOCKS="mc,kc,nc" overrides the cache blocking of every micro-kernel (for tuning).
UKernel tuned(const UKernel& k) {
  UKernel t = k;
  if (const char* s = std::getenv("DEEPTS_GEMM_BLOCKS")) {
    long mc = 0, kc = 0, nc = 0;
    if (std::sscanf(s, "%ld,%ld,%ld", &mc, &kc, &nc) == 3 && mc >= k.mr && kc > 0 && nc >= k.nr) {
      t.mc = mc / k.mr * k.mr;
      t.kc = kc;
      t.nc = nc / k.nr * k.nr;
    }
  }
  return t;
}

const UKernel* kernel_for(Isa isa) {
#if defined(__x86_64__) || defined(_M_X64)
  static const UKernel k512 = tuned(ukernel_avx512), k2 = tuned(ukernel_avx2);
#endif
  static const UKernel kg = tuned(ukernel_generic);
  switch (isa) {
#if defined(__x86_64__) || defined(_M_X64)
    case Isa::avx512:
      return &k512;
    case Isa::avx2:
      return &k2;
#endif
    default:
      return &kg;
  }
}

}  // namespace

Isa isa_active() { return g_isa; }

bool isa_select(Isa isa) {
  if (!isa_supported(isa)) return false;
  g_isa = isa;
  return true;
}

const UKernel& ukernel() { return *kernel_for(g_isa); }

namespace {

inline idx min_(idx a, idx b) { return a < b ? a : b; }

inline void fill_zero(idx M, idx N, float* C, idx ldc) {
  for (idx i = 0; i < M; i++) std::memset(C + i * ldc, 0, sizeof(float) * N);
}

// The epilogue on rows x cols of C at c (columns from col0; res: the residual at c's place, or null).
inline void epilogue(const Epilogue& ep, float* c, idx ldc, idx rows, idx cols, idx col0, const float* res) {
  for (idx i = 0; i < rows; i++) {
    float* r = c + i * ldc;
    if (ep.bias)
      for (idx j = 0; j < cols; j++) r[j] += ep.bias[col0 + j];
    if (res)
      for (idx j = 0; j < cols; j++) r[j] += res[i * ldc + j];
    if (ep.act == 1)
      for (idx j = 0; j < cols; j++) r[j] = r[j] > 0.0f ? r[j] : (r[j] != r[j] ? r[j] : 0.0f);
    else if (ep.act == 2)
      for (idx j = 0; j < cols; j++) r[j] = r[j] > 0.0f ? (r[j] < 6.0f ? r[j] : 6.0f) : (r[j] != r[j] ? r[j] : 0.0f);
  }
}

// One micro-tile of C: rows x cols (at most mr x nr) at c, at offset off of C; partial tiles go through
// `tile` (mr * nr floats). ep (the last k-block only): applied to the finished tile in the micro-kernel's
// registers, columns from col0, the residual at off (laid out as C).
inline void micro_tile(const UKernel& uk, idx kc, const float* ap, const float* bp, float* c, idx ldc, idx rows, idx cols,
                       int acc, float* tile, const Epilogue* ep, idx col0, idx off) {
  TileEpilogue te{nullptr, nullptr, ldc, 0};
  if (ep) te = TileEpilogue{ep->bias ? ep->bias + col0 : nullptr, ep->residual ? ep->residual + off : nullptr, ldc, ep->act};
  const TileEpilogue* tep = ep ? &te : nullptr;
  if (rows == uk.mr && cols == uk.nr) {
    uk.fn(kc, ap, bp, c, ldc, acc, tep);
    return;
  }
  // The micro-kernel reads nr bias values and an mr x nr residual: the edge's, padded.
  alignas(64) float bpad[64];
  alignas(64) float rpad[16 * 64];
  if (te.bias && cols < uk.nr) {
    for (idx j = 0; j < uk.nr; j++) bpad[j] = j < cols ? te.bias[j] : 0.0f;
    te.bias = bpad;
  }
  if (te.res) {
    for (idx i = 0; i < rows; i++) std::memcpy(rpad + i * uk.nr, te.res + i * ldc, sizeof(float) * cols);
    te.res = rpad;
    te.ldr = uk.nr;
  }
  if (acc)
    for (idx i = 0; i < rows; i++) std::memcpy(tile + i * uk.nr, c + i * ldc, sizeof(float) * cols);
  uk.fn(kc, ap, bp, tile, uk.nr, acc, tep);
  for (idx i = 0; i < rows; i++) std::memcpy(c + i * ldc, tile + i * uk.nr, sizeof(float) * cols);
}


}  // namespace

// ---------------------------------------------------------------------------------------------
// Serial driver

namespace {

// Computes rows [i0, i1) x columns [j0, j1) of C (global indices) on the calling thread.
// Bp: B pre-packed by pack_b_all for np columns (null: packed here, block by block). ep: applied to each
// micro-tile after its last k-block.
void gemm_block(idx i0, idx i1, idx j0, idx j1, idx K, const ASrc& A, const MatRef& B, float* C, idx ldc,
                bool accumulate, const float* Bp = nullptr, idx np = 0, const Epilogue* ep = nullptr) {
  const idx M = i1 - i0, N = j1 - j0;
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {
    if (!accumulate) fill_zero(M, N, C + i0 * ldc + j0, ldc);
    if (ep) epilogue(*ep, C + i0 * ldc + j0, ldc, M, N, j0, ep->residual ? ep->residual + i0 * ldc + j0 : nullptr);
    return;
  }
  const UKernel& uk = ukernel();
  const int mr = uk.mr, nr = uk.nr;
  const idx KC = uk.kc;
  const idx MC = min_(uk.mc, ((M + mr - 1) / mr) * mr);
  const idx NC = min_(uk.nc, ((N + nr - 1) / nr) * nr);
  const idx kcmax = min_(KC, K);
  alignas(64) float tile[16 * 64];
  const idx mpad = ((M + mr - 1) / mr) * mr;
  if (mpad * kcmax <= 48 * 1024 && N <= 512) {
    // Few rows (batch-1 layers late in a network: M = 49 or 196 pixels, deep weights): all of A's
    // k-block packed once and kept in L2, B packed one micro-panel at a time just before use, so it
    // stays in L1 instead of going out to memory and back as a kc x nc block would. Wider B is left
    // to the block packing: its long contiguous row reads stream better than panel-by-panel ones
    // (49 x 512 x 2048: 10% slower this way; 49 x 4608 x 512: 15% faster).
    float* bufA = scratch(0, mpad * kcmax + 16);
    float* bufB = scratch(1, nr * kcmax);
    for (idx pc = 0; pc < K; pc += KC) {
      idx kc = min_(KC, K - pc);
      int acc = accumulate || pc > 0;
      pack_a(A, i0, pc, M, kc, mr, bufA);
      for (idx jr = j0; jr < j1; jr += nr) {
        idx cols = min_(nr, j1 - jr);
        const float* bpan = bufB;
        if (Bp) bpan = Bp + pc * np + jr * kc;
        else pack_b(B, pc, jr, kc, cols, nr, bufB);
        if (!Bp && B.cs == 1 && jr + nr < j1) {
          // The next panel's rows are kc short strided reads that the hardware prefetcher does not
          // follow: request them now, while this panel computes.
          const float* nb = B.p + pc * B.rs + jr + nr;
          for (idx p = 0; p < kc; p++) {
            __builtin_prefetch(nb + p * B.rs);
            __builtin_prefetch(nb + p * B.rs + nr - 1);
          }
        }
        for (idx ir = 0; ir < M; ir += mr) {
          idx rows = min_(mr, M - ir);
          const idx off = (i0 + ir) * ldc + jr;
          const float* ap = bufA + ir * kc;
          micro_tile(uk, kc, ap, bpan, C + off, ldc, rows, cols, acc, tile, pc + kc >= K ? ep : nullptr, jr, off);
        }
      }
    }
    return;
  }
  float* bufA = scratch(0, MC * kcmax + 16);  // slack for the packing helpers' overlapping stores
  float* bufB = scratch(1, NC * kcmax);
  for (idx jc = j0; jc < j1; jc += NC) {
    idx nc = min_(NC, j1 - jc);
    for (idx pc = 0; pc < K; pc += KC) {
      idx kc = min_(KC, K - pc);
      int acc = accumulate || pc > 0;
      const float* bblk = bufB;
      if (Bp) bblk = Bp + pc * np + jc * kc;
      else pack_b(B, pc, jc, kc, nc, nr, bufB);
      for (idx ic = i0; ic < i1; ic += MC) {
        idx mc = min_(MC, i1 - ic);
        pack_a(A, ic, pc, mc, kc, mr, bufA);
        for (idx jr = 0; jr < nc; jr += nr) {
          idx cols = min_(nr, nc - jr);
          const float* bp = bblk + jr * kc;
          for (idx ir = 0; ir < mc; ir += mr) {
            idx rows = min_(mr, mc - ir);
            const idx off = (ic + ir) * ldc + jc + jr;
            const float* ap = bufA + ir * kc;
            micro_tile(uk, kc, ap, bp, C + off, ldc, rows, cols, acc, tile, pc + kc >= K ? ep : nullptr, jc + jr, off);
          }
        }
      }
    }
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Parallel driver

namespace {

// Chooses a tm x tn grid of C blocks for nt threads: the least per-thread work, counting the
// micro-kernel's padding and the packing each thread repeats (none of B when it comes packed: an inference
// plan's convolutions). There, near a tie (within 2%), bands of rows win over bands of columns: thread t
// then writes whole rows, the t-th band, which is what the next layer's thread t reads (the depthwise and
// row-split layers after a pointwise one), from its own cache rather than half of each row from the other
// core's (MobileNetV2's 14x14 expand layers; its predict 0.97-1.00x alternating with the column split).
void choose_grid(idx M, idx N, idx K, int nt, const UKernel& uk, bool b_packed, int* tm_out, int* tn_out) {
  double best = -1;
  for (int tm = 1; tm <= nt; tm++) {
    if (nt % tm) continue;
    int tn = nt / tm;
    idx rows = ((M + tm - 1) / tm + uk.mr - 1) / uk.mr * uk.mr;
    idx cols = ((N + tn - 1) / tn + uk.nr - 1) / uk.nr * uk.nr;
    if ((tm > 1 && rows * (tm - 1) >= M) || (tn > 1 && cols * (tn - 1) >= N)) continue;  // idle threads
    double compute = static_cast<double>(rows) * cols * K;
    double packing = 16.0 * K * ((b_packed ? 0 : cols) + rows * ((cols + uk.nc - 1) / uk.nc));
    double cost = (compute + packing) * (b_packed && tn > 1 ? 1.02 : 1.0);
    if (best < 0 || cost < best) {
      best = cost;
      *tm_out = tm;
      *tn_out = tn;
    }
  }
  if (best < 0) {
    *tm_out = 1;
    *tn_out = 1;
  }
}

int threads_for(double flops) {
  int nt = num_threads();
  // Below ~64^3 a wake-up costs more than it saves; above, give each thread at least ~0.5 MFLOP.
  if (flops < 5e5) return 1;
  int byWork = static_cast<int>(flops / 2.5e5);
  return byWork < nt ? (byWork < 1 ? 1 : byWork) : nt;
}

// Products with very few rows or a single column skip packing: they are bound by reading B (or A).
bool gemm_thin(idx M, idx N, idx K, const ASrc& A, const MatRef& B, float* C, idx ldc, bool accumulate, int nt) {
  if (A.conv || M <= 0 || N <= 0 || K <= 0) return false;
  if (M <= 3 && B.cs == 1 && nt > 1 && K >= 256 && N >= 256) {
    // A classifier's product (1 x 1280 x 1000: 5 MB of weights read once): each thread takes a band of B's rows,
    // one contiguous stretch of memory that the prefetchers stream, instead of half of every row (2 KB pieces 4 KB
    // apart, where they start over at each row); the partial products are added in thread order (deterministic).
    std::vector<float> part(static_cast<size_t>((nt - 1) * M * N));
    int used = nt;
    parallel(nt, [&](int tid, int n) {
      if (n != nt) {  // run inline: the whole product here
        used = 1;
        DT_SIMD_CALL(gemm_small_m, M, K, A.m.p, A.m.rs, A.m.cs, B.p, B.rs, C, ldc, 0, N, accumulate);
        return;
      }
      idx k0, k1;
      split_range(K, tid, n, 4, &k0, &k1);
      float* out = tid == 0 ? C : part.data() + (tid - 1) * M * N;
      const idx ld = tid == 0 ? ldc : N;
      if (k1 > k0) DT_SIMD_CALL(gemm_small_m, M, k1 - k0, A.m.p + k0 * A.m.cs, A.m.rs, A.m.cs, B.p + k0 * B.rs, B.rs, out, ld, 0, N, tid == 0 && accumulate);
      else if (tid > 0 || !accumulate)
        for (idx i = 0; i < M; i++) std::memset(out + i * ld, 0, sizeof(float) * N);
    });
    for (int t = 1; t < used; t++)
      for (idx i = 0; i < M; i++) {
        const float* p = part.data() + ((t - 1) * M + i) * N;
        float* c = C + i * ldc;
        for (idx j = 0; j < N; j++) c[j] += p[j];
      }
    return true;
  }
  if (M <= 3 && B.cs == 1) {
    parallel(nt, [&](int tid, int n) {
      idx j0, j1;
      split_range(N, tid, n, 64, &j0, &j1);
      if (j1 > j0) DT_SIMD_CALL(gemm_small_m, M, K, A.m.p, A.m.rs, A.m.cs, B.p, B.rs, C, ldc, j0, j1, accumulate);
    });
    return true;
  }
  if (N == 1 && A.m.cs == 1 && B.rs == 1) {
    parallel(nt, [&](int tid, int n) {
      idx i0, i1;
      split_range(M, tid, n, 16, &i0, &i1);
      if (i1 > i0) DT_SIMD_CALL(gemm_dot, K, A.m.p, A.m.rs, B.p, C, ldc, i0, i1, accumulate);
    });
    return true;
  }
  return false;
}

}  // namespace

void gemm_ex(idx M, idx N, idx K, const ASrc& A, MatRef B, float* C, idx ldc, bool accumulate, bool threads, const float* Bp,
             const Epilogue* ep) {
  int nt = threads ? threads_for(2.0 * M * N * K) : 1;
  // A pre-packed B (which may come without B itself: Winograd's filters) always goes through its panels.
  if (!Bp && gemm_thin(M, N, K, A, B, C, ldc, accumulate, nt)) {
    if (ep) epilogue(*ep, C, ldc, M, N, 0, ep->residual);
    return;
  }
  const idx np = (N + ukernel().nr - 1) / ukernel().nr * ukernel().nr;
  if (nt <= 1) {
    gemm_block(0, M, 0, N, K, A, B, C, ldc, accumulate, Bp, np, ep);
    return;
  }
  const UKernel& uk = ukernel();
  int tm = 1, tn = 1;
  choose_grid(M, N, K, nt, uk, Bp != nullptr, &tm, &tn);
  nt = tm * tn;
  parallel(nt, [&](int tid, int n) {
    // n < nt only when the pool ran the job inline: then this call covers the whole product.
    if (n != nt) {
      gemm_block(0, M, 0, N, K, A, B, C, ldc, accumulate, Bp, np, ep);
      return;
    }
    idx i0, i1, j0, j1;
    split_range(M, tid / tn, tm, uk.mr, &i0, &i1);
    split_range(N, tid % tn, tn, uk.nr, &j0, &j1);
    gemm_block(i0, i1, j0, j1, K, A, B, C, ldc, accumulate, Bp, np, ep);
  });
}

void gemm(idx M, idx N, idx K, MatRef A, MatRef B, float* C, idx ldc, bool accumulate) {
  gemm_ex(M, N, K, ASrc{A, nullptr}, B, C, ldc, accumulate, true);
}

void gemm_serial(idx M, idx N, idx K, MatRef A, MatRef B, float* C, idx ldc, bool accumulate) {
  gemm_ex(M, N, K, ASrc{A, nullptr}, B, C, ldc, accumulate, false);
}

}  // namespace dt
