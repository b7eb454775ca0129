// Depthwise convolution (NHWC input, filter [kh, kw, c, multiplier]): threaded drivers of the
// per-instruction-set loops (simd_depthwise.inc). N-API entry points: addon_conv.cc.
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "conv_direct.h"
#include "kernels.h"
#include "simd.h"

namespace dt {

namespace {

// Threads for `total` multiply-adds: one below ~128K (about 10-20 us on one core, where waking a
// helper costs as much as it saves), then one per 64K.
int dw_threads(double total, idx rows) {
  int nt = num_threads();
  if (total < 131072) return 1;
  int by = static_cast<int>(total / 65536);
  if (by < nt) nt = by < 1 ? 1 : by;
  return nt > rows ? static_cast<int>(rows > 0 ? rows : 1) : nt;
}

// f(k, i0, i1) for the chunks k = 0, 1, ... of [0, total) cut into `chunks` runs. Slice t of the job owns the
// t-th contiguous share of the chunks and claims them in order, then claims what is left of the others' shares:
// on a loaded machine a helper that starts late (its core busy elsewhere) then takes fewer chunks instead of
// holding up the whole call with a fixed share, while on a quiet one each thread works through the rows the
// same slice of the layer before wrote (the GEMM's slice t has the t-th band of rows), still in its own cache
// (interleaved chunks had each thread read half its input from the other core: MobileNetV2's depthwise
// layers 20% slower). What a chunk computes does not depend on the thread that runs it (reductions keep one
// partial per chunk), so results stay deterministic.
template <class F>
void parallel_chunks(int nt, idx total, idx chunks, F&& f) {
  if (total <= 0) return;
  if (chunks > total) chunks = total;
  if (chunks < 1) chunks = 1;
  constexpr int kMaxShares = 64;
  if (nt > kMaxShares) nt = kMaxShares;
  if (nt > chunks) nt = static_cast<int>(chunks);
  struct alignas(64) Share {
    std::atomic<idx> next;
    idx end;
  };
  Share shares[kMaxShares];
  for (int t = 0; t < nt; t++) {
    shares[t].next.store(chunks * t / nt, std::memory_order_relaxed);
    shares[t].end = chunks * (t + 1) / nt;
  }
  parallel(nt, [&](int tid, int n) {
    // n < nt: the pool ran the job inline, as slice 0 of 1: it then claims every share.
    for (int v = 0; v < nt; v++) {
      Share& sh = shares[(tid + v) % nt];
      for (;;) {
        const idx k = sh.next.fetch_add(1, std::memory_order_relaxed);
        if (k >= sh.end) break;
        f(k, total * k / chunks, total * (k + 1) / chunks);
      }
    }
  });
}

// Chunks of a reduction (one partial sum each): a few per thread, one without helpers.
idx reduction_chunks(int nt) { return nt > 1 ? static_cast<idx>(nt) * 4 : 1; }

template <class F>
void parallel_rows(idx rows, double cost_per_row, F&& f) {
  const int nt = dw_threads(rows * cost_per_row, rows);
  parallel_chunks(nt, rows, static_cast<idx>(nt) * 16, [&](idx, idx r0, idx r1) { f(r0, r1); });
}

}  // namespace

// Outputs from this size on are streamed to memory (DwArgs::stream): larger than the last-level cache, so
// their lines would only be read for ownership and evicted before anyone reads them. DEEPTS_DW_STREAM_BYTES
// overrides it (tests, A/B measurements).
static double stream_min_bytes() {
  static const double v = std::getenv("DEEPTS_DW_STREAM_BYTES") ? std::atof(std::getenv("DEEPTS_DW_STREAM_BYTES"))
                                                                 : 48.0 * (1 << 20);
  return v;
}

// Whether dw_forward may stream a's output: multiplier 1, 16-byte aligned pixels, large.
static bool streamable(const DwArgs& a) {
  const ConvGeom& g = a.g;
  const double bytes = 4.0 * g.rows() * g.c * a.m;
  return a.m == 1 && g.c % 4 == 0 && reinterpret_cast<uintptr_t>(a.out) % 16 == 0 && bytes >= stream_min_bytes();
}

void depthwise_conv2d(const DwArgs& a) {
  DwArgs s = a;
  s.stream = streamable(a);
  depthwise_conv2d_bias_act(s, nullptr, 0);
}

void depthwise_conv2d_bias_act(const DwArgs& a, const float* bias, int act) {
  const ConvGeom& g = a.g;
  double cost = static_cast<double>(g.ow) * g.kh * g.kw * g.c * a.m;
  DwArgs e = a;
  e.bias = bias;
  e.act = act;
  parallel_rows(g.n * g.oh, cost, [&](idx r0, idx r1) { DT_SIMD_CALL(dw_forward, e, r0, r1); });
}

namespace {

// Stride 1, multiplier 1: dx is the forward depthwise conv of dy with the spatially flipped filter (wf, filled
// here), padded by (k - 1) d - p before (the forward's inner-pixel fast path then covers most of dx).
DwArgs flipped_forward(const DwArgs& a, std::vector<float>* wf) {
  const ConvGeom& g = a.g;
  const idx taps = g.kh * g.kw, c = g.c;
  wf->resize(static_cast<size_t>(taps * c));
  for (idx t = 0; t < taps; t++) std::memcpy(wf->data() + (taps - 1 - t) * c, a.w + t * c, sizeof(float) * c);
  DwArgs f{};
  f.g = ConvGeom{a.dy, g.n, g.oh, g.ow, c, g.kh, g.kw, g.h, g.w, 1, 1, g.dh, g.dw,
                 (g.kh - 1) * g.dh - g.pt, (g.kw - 1) * g.dw - g.pl};
  f.m = 1;
  f.x = a.dy;
  f.w = wf->data();
  f.out = a.out;
  f.stream = streamable(f);
  return f;
}

}  // namespace

void depthwise_conv2d_backprop_input(const DwArgs& a) {
  const ConvGeom& g = a.g;
  if (a.m == 1 && g.sh == 1 && g.sw == 1) {
    std::vector<float> wf;
    DwArgs f = flipped_forward(a, &wf);
    depthwise_conv2d_bias_act(f, nullptr, 0);
    return;
  }
  double cost = static_cast<double>(g.w) * g.kh * g.kw * g.c * a.m;
  parallel_rows(g.n * g.h, cost, [&](idx r0, idx r1) { DT_SIMD_CALL(dw_backprop_input, a, r0, r1); });
}

void depthwise_conv2d_backprop_filter(const DwArgs& a, float* dw) {
  const ConvGeom& g = a.g;
  const idx size = g.kh * g.kw * g.c * a.m, rows = g.n * g.oh;
  int nt = dw_threads(static_cast<double>(rows) * g.ow * size, rows);
  // Each chunk of rows sums into its own buffer; the buffers are added in order at the end.
  idx chunks = reduction_chunks(nt);
  if (chunks > rows) chunks = rows > 0 ? rows : 1;
  std::vector<float> partial(static_cast<size_t>(size * (chunks - 1)), 0.0f);
  std::memset(dw, 0, sizeof(float) * size);
  parallel_chunks(nt, rows, chunks, [&](idx k, idx r0, idx r1) {
    float* acc = k == 0 ? dw : partial.data() + (k - 1) * size;
    DT_SIMD_CALL(dw_backprop_filter, a, r0, r1, acc);
  });
  for (idx k = 1; k < chunks; k++)
    for (idx i = 0; i < size; i++) dw[i] += partial[(k - 1) * size + i];
}

void depthwise_conv2d_backprop(const DwArgs& a, float* dw) {
  const ConvGeom& g = a.g;
  const idx size = g.kh * g.kw * g.c * a.m;
  if (a.m != 1 || g.sh != 1 || g.sw != 1) {
    depthwise_conv2d_backprop_input(a);
    depthwise_conv2d_backprop_filter(a, dw);
    return;
  }
  // Each chunk is a run of dx rows (the flipped forward of dy) and the same share of the dy rows (the filter
  // gradient), interleaved a few rows at a time: the dy rows a dx row reads are the ones the filter gradient
  // reads next to the x rows it needs, all in cache, so x and dy cross memory once.
  std::vector<float> wf;
  const DwArgs f = flipped_forward(a, &wf);
  const idx rows_dx = g.n * g.h, rows_dy = g.n * g.oh;
  const double cost = static_cast<double>(rows_dx * g.w + rows_dy * g.ow) * g.kh * g.kw * g.c;
  const int nt = dw_threads(cost, rows_dx < rows_dy ? rows_dx : rows_dy);
  idx chunks = reduction_chunks(nt);
  if (chunks > rows_dx) chunks = rows_dx > 0 ? rows_dx : 1;
  std::vector<float> partial(static_cast<size_t>(size * (chunks - 1)), 0.0f);
  std::memset(dw, 0, sizeof(float) * size);
  parallel_chunks(nt, rows_dx, chunks, [&](idx k, idx r0, idx r1) {
    // dy rows [r0 B / A, r1 B / A): consecutive chunks tile [0, B).
    const idx s0 = r0 * rows_dy / rows_dx, s1 = r1 * rows_dy / rows_dx;
    float* acc = k == 0 ? dw : partial.data() + (k - 1) * size;
    const idx na = r1 - r0, nb = s1 - s0;
    const idx chunk = 2, steps = ((na > nb ? na : nb) + chunk - 1) / chunk;
    for (idx k = 0; k < steps; k++) {
      idx a0 = r0 + na * k / steps, a1 = r0 + na * (k + 1) / steps;
      idx b0 = s0 + nb * k / steps, b1 = s0 + nb * (k + 1) / steps;
      if (a1 > a0) DT_SIMD_CALL(dw_forward, f, a0, a1);
      if (b1 > b0) DT_SIMD_CALL(dw_backprop_filter, a, b0, b1, acc);
    }
  });
  for (idx k = 1; k < chunks; k++)
    for (idx i = 0; i < size; i++) dw[i] += partial[(k - 1) * size + i];
}

}  // namespace dt
