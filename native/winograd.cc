// 3x3 stride-1 convolutions by Winograd's minimal filtering F(2x2, 3x3): each 2x2 block of outputs from
// a 4x4 input patch with 16 products per channel pair instead of 36, i.e. 16 GEMMs of
// [tiles x cin] x [cin x cout] between an input and an output transform (2.25x fewer multiplies than
// im2col). The input gradient of such a conv is one too (flipped, transposed filter), and the filter
// gradient is the algorithm's adjoint (V^T (A dY A^T) per tile, then G^T dU G). Each thread runs the whole
// pipeline on its own chunks of tiles, so the transformed tiles stay in its cache between the three
// stages and no thread waits for another.
#include <cstdlib>
#include <cstring>
#include <atomic>
#include <cstdint>
#include <vector>

#include "kernels.h"
#include "simd.h"

namespace dt {
namespace {

// The 16 transformed filters G g G^T, each packed for the GEMM (Up + pos * packed_b_size(cin, cout)). The
// filter is w [3, 3, cin, cout], or with flip the forward filter of which this conv is the input
// gradient: w [3, 3, cout, cin], mirrored and with its channel axes swapped first.
void filter_transform(const float* w, idx cin, idx cout, bool flip, float* Up) {
  const idx plane = cin * cout;
  std::vector<float> wf;
  if (flip) {
    wf.resize(static_cast<size_t>(9 * plane));
    for (idx tap = 0; tap < 9; tap++) {
      const float* src = w + (8 - tap) * plane;  // [cout][cin]
      float* dst = wf.data() + tap * plane;       // [cin][cout]
      // In 16 x 16 blocks, so the strided writes stay within a few cache lines.
      for (idx o0 = 0; o0 < cout; o0 += 16)
        for (idx i0 = 0; i0 < cin; i0 += 16) {
          idx o1 = o0 + 16 < cout ? o0 + 16 : cout, i1 = i0 + 16 < cin ? i0 + 16 : cin;
          for (idx o = o0; o < o1; o++)
            for (idx i = i0; i < i1; i++) dst[i * cout + o] = src[o * cin + i];
        }
    }
    w = wf.data();
  }
  std::vector<float> U(static_cast<size_t>(16 * plane));
  const idx psize = packed_b_size(cin, cout);
  int nt = static_cast<double>(plane) * 16 < 2e5 ? 1 : num_threads();
  parallel(nt, [&](int tid, int n) {
    idx i0, i1;
    split_range(cin, tid, n, 1, &i0, &i1);
    if (i1 > i0) DT_SIMD_CALL(wino_filter, w, cin, cout, U.data(), i0, i1);
  });
  parallel(nt, [&](int tid, int n) {
    idx p0, p1;
    split_range(16, tid, n, 1, &p0, &p1);
    for (idx pos = p0; pos < p1; pos++) pack_b_all(cin, cout, MatRef{U.data() + pos * plane, cout, 1}, Up + pos * psize);
  });
}

bool enabled() {
  // DEEPTS_WINOGRAD=0 keeps 3x3 convs on the im2col GEMM (A/B measurements, tests).
  static const bool on = !(std::getenv("DEEPTS_WINOGRAD") && std::strcmp(std::getenv("DEEPTS_WINOGRAD"), "0") == 0);
  return on;
}

// Tiles per chunk: about 8 MB of transformed input and products per thread (more rows per chunk reuse
// each packed filter panel more: 37x50x512x512 on one thread, 4 MB 71 ms, 8 MB 62, 16 MB 60), at least
// 16, and fewer when there would be fewer chunks than threads.
struct Chunks {
  idx tc, chunks;
  int threads;
};

Chunks chunking(idx tiles, idx cin, idx cout) {
  static const idx budget = std::getenv("DEEPTS_WINO_MB") ? std::atoi(std::getenv("DEEPTS_WINO_MB")) : 8;
  idx tc = (budget << 20) / (64 * (cin + cout));
  tc = tc < 16 ? 16 : tc > 1024 ? 1024 : tc;
  const int nt = num_threads();
  if (tiles < tc * nt) tc = (tiles + nt - 1) / nt < 8 ? 8 : (tiles + nt - 1) / nt;
  const idx chunks = (tiles + tc - 1) / tc;
  return {tc, chunks, chunks < nt ? static_cast<int>(chunks) : nt};
}

std::atomic<std::uint64_t> calls{0};

}  // namespace

std::uint64_t winograd_calls() { return calls.load(std::memory_order_relaxed); }

bool winograd_applies(const ConvGeom& g, idx cout, bool prepacked) {
  // Few channels: the transforms (per channel) outweigh the saved products. Few tiles: the filter
  // transform (16 x cin x cout) is not amortized when redone every call; a filter transformed once
  // (winograd_pack) leaves only the per-tile transforms, but it is 16/9 the bytes of the filter, read once per
  // call: with few tiles the layer is bound by reading its filter from memory (ResNet50's 7x7x512 at batch 1,
  // 16 tiles, 9.4 MB filter: 2.6 ms a call by Winograd in a predict, 2.0 by the im2col GEMM; 14x14x256, 49
  // tiles: 1.4 by Winograd, 1.7 by the GEMM).
  const idx tiles = g.n * ((g.oh + 1) / 2) * ((g.ow + 1) / 2);
  return enabled() && g.kh == 3 && g.kw == 3 && g.sh == 1 && g.sw == 1 && g.dh == 1 && g.dw == 1 && g.c >= 16 && cout >= 16 &&
         tiles >= (prepacked ? 32 : 48);
}

namespace {
constexpr std::uint32_t kWinograd = 0x4f4e4957;  // "WINO"
}  // namespace

idx winograd_packed_bytes(idx cin, idx cout) { return 64 + 16 * packed_b_size(cin, cout) * static_cast<idx>(sizeof(float)); }

void winograd_pack(const float* w, idx cin, idx cout, void* buf) {
  write_packed_header(buf, kWinograd, cin, cout);
  filter_transform(w, cin, cout, false, reinterpret_cast<float*>(static_cast<char*>(buf) + 64));
}

const float* winograd_packed_data(const void* buf, idx bytes, idx cin, idx cout) {
  return packed_data(buf, bytes, kWinograd, cin, cout, winograd_packed_bytes(cin, cout));
}

void conv2d_winograd(const ConvGeom& g, const float* w, idx cout, bool flip, const float* bias, int act, float* out, const float* packed) {
  calls.fetch_add(1, std::memory_order_relaxed);
  const idx cin = g.c;
  WinoArgs a{g.x, g.n, g.h, g.w, cin, g.oh, g.ow, g.pt, g.pl, (g.oh + 1) / 2, (g.ow + 1) / 2, cout, bias, act, out};
  const idx tiles = g.n * a.th * a.tw;
  const idx psize = packed_b_size(cin, cout);
  // 64-byte aligned: the micro-kernels load B panels with aligned loads (psize is a multiple of 16 floats).
  std::vector<float> ubuf;
  const float* Up = packed;
  if (!Up) {
    ubuf.resize(static_cast<size_t>(16 * psize + 16));
    float* u = ubuf.data() + ((64 - reinterpret_cast<std::uintptr_t>(ubuf.data()) % 64) % 64) / sizeof(float);
    filter_transform(w, cin, cout, flip, u);
    Up = u;
  }
  std::vector<float> zeros(static_cast<size_t>(cin), 0.0f);
  const Chunks ck = chunking(tiles, cin, cout);
  const idx tc = ck.tc, chunks = ck.chunks;
  const int threads = ck.threads;
  parallel(threads, [&](int tid, int n) {
    float* v = scratch(2, 16 * tc * cin);
    float* m = scratch(3, 16 * tc * cout + cout);
    for (idx ch = tid; ch < chunks; ch += n) {
      const idx t0 = ch * tc, t1 = t0 + tc < tiles ? t0 + tc : tiles, rows = t1 - t0;
      DT_SIMD_CALL(wino_input, a, t0, t1, v, zeros.data());
      for (idx pos = 0; pos < 16; pos++)
        gemm_ex(rows, cout, cin, ASrc{MatRef{v + pos * rows * cin, cin, 1}, nullptr}, MatRef{nullptr, cout, 1}, m + pos * rows * cout, cout,
                false, false, Up + pos * psize);
      DT_SIMD_CALL(wino_output, a, t0, t1, m, m + 16 * tc * cout);
    }
  });
}

void conv2d_winograd_filter(const ConvGeom& g, const float* dy, idx cout, float* dw) {
  calls.fetch_add(1, std::memory_order_relaxed);
  const idx cin = g.c, plane = cin * cout;
  WinoArgs a{g.x, g.n, g.h, g.w, cin, g.oh, g.ow, g.pt, g.pl, (g.oh + 1) / 2, (g.ow + 1) / 2, cout, nullptr, 0, nullptr};
  const idx tiles = g.n * a.th * a.tw;
  const Chunks ck = chunking(tiles, cin, cout);
  const idx tc = ck.tc, chunks = ck.chunks;
  std::vector<float> zeros(static_cast<size_t>(cin > cout ? cin : cout), 0.0f);
  // One accumulator of the 16 transformed-filter gradients per thread, summed at the end.
  std::vector<float> acc(static_cast<size_t>(ck.threads * 16 * plane), 0.0f);
  parallel(ck.threads, [&](int tid, int n) {
    float* v = scratch(2, 16 * tc * cin);
    float* m = scratch(3, 16 * tc * cout);
    float* du = acc.data() + tid * 16 * plane;
    for (idx ch = tid; ch < chunks; ch += n) {
      const idx t0 = ch * tc, t1 = t0 + tc < tiles ? t0 + tc : tiles, rows = t1 - t0;
      DT_SIMD_CALL(wino_input, a, t0, t1, v, zeros.data());
      DT_SIMD_CALL(wino_dy, a, t0, t1, dy, m, zeros.data());
      // du[pos] += V[pos]^T M[pos]: [cin x rows] x [rows x cout].
      for (idx pos = 0; pos < 16; pos++)
        gemm_serial(cin, cout, rows, MatRef{v + pos * rows * cin, 1, cin}, MatRef{m + pos * rows * cout, cout, 1}, du + pos * plane, cout,
                    true);
    }
  });
  int nt = static_cast<double>(plane) * 16 * ck.threads < 2e5 ? 1 : num_threads();
  parallel(nt, [&](int tid, int n) {
    idx i0, i1;
    split_range(cin, tid, n, 1, &i0, &i1);
    if (i1 > i0) DT_SIMD_CALL(wino_filter_grad, acc.data(), ck.threads, 16 * plane, cin, cout, dw, i0, i1);
  });
}

}  // namespace dt
