// A 1x1 "expand" convolution straight into a depthwise convolution (MobileNetV2's inverted residual blocks),
// without the expanded tensor ever going to memory: each thread walks its band of output rows, computing the
// expanded input rows that band reads into an L2-sized buffer (a serial GEMM on the pre-packed filter, with
// its bias and activation), then the depthwise rows from that buffer. Rows the next band shares stay in the
// buffer. Separately, the expand's output (4.8 MB for the first block at 224x224) was written out, then read
// back from another core's cache or from memory: the pair took 1.5-2x its in-cache time inside a predict.
#include <cstring>

#include "kernels.h"
#include "simd.h"

namespace dt {

namespace {

// Rows of expanded input a thread keeps: about this many bytes (its share of a 512 KB L2).
constexpr double kBandBytes = 256.0 * 1024;

inline idx lo_(idx a, idx b) { return a < b ? a : b; }
inline idx hi_(idx a, idx b) { return a > b ? a : b; }

}  // namespace

void expand_depthwise(const ExpandDepthwise& e) {
  const DwArgs& d = e.dw;
  const ConvGeom& g = d.g;  // the depthwise geometry over the expanded input [n, h, w, ce]
  const idx ce = g.c, W = g.w, H = g.h, cin = e.cin;
  const idx row_floats = W * ce;
  if (g.n * g.oh == 0 || row_floats == 0) return;
  const float* wp = packed_b_data(e.packed, e.packed_bytes, cin, ce);
  const Epilogue ep1{e.bias1, e.act1};
  const Epilogue* ep1p = e.bias1 || e.act1 ? &ep1 : nullptr;
  // Output rows per band: as many as fit the buffer, at least one. A band of b rows reads (b - 1) sh + span rows.
  const idx span = (g.kh - 1) * g.dh + 1;
  idx fit = static_cast<idx>(kBandBytes / (4.0 * row_floats));
  idx band = fit > span ? (fit - span) / g.sh + 1 : 1;
  if (band > g.oh) band = g.oh;
  const idx buf_rows = (band - 1) * g.sh + span;
  const idx rows = g.n * g.oh;
  const double work = static_cast<double>(g.n) * H * W * cin * ce + static_cast<double>(rows) * g.ow * ce * g.kh * g.kw;
  int nt = threads_for_work(work);
  if (nt > rows) nt = static_cast<int>(rows);
  parallel(nt, [&](int tid, int n) {
    idx r0, r1;
    split_range(rows, tid, n, 1, &r0, &r1);
    float* buf = scratch(3, buf_rows * row_floats);
    idx have_b = -1, have_lo = 0, have_hi = -1;  // expanded rows [have_lo, have_hi] of image have_b are in buf
    for (idx r = r0; r < r1;) {
      const idx b = r / g.oh, oy0 = r - b * g.oh;
      const idx oy1 = lo_(lo_(g.oh, oy0 + band), oy0 + (r1 - r));
      // The input rows the band's windows cover, clipped to the image (the rest is padding).
      const idx lo = hi_(0, oy0 * g.sh - g.pt), hi = lo_(H - 1, (oy1 - 1) * g.sh - g.pt + span - 1);
      idx start = lo;
      if (have_b == b && have_lo <= lo && have_hi >= lo) {
        // The rows this band shares with the last one: moved to the front, not recomputed.
        const idx keep = lo_(have_hi, hi) - lo + 1;
        std::memmove(buf, buf + (lo - have_lo) * row_floats, sizeof(float) * keep * row_floats);
        start = lo + keep;
      }
      if (start <= hi)
        gemm_ex((hi - start + 1) * W, ce, cin, ASrc{MatRef{e.x + (b * H + start) * W * cin, cin, 1}, nullptr}, MatRef{e.w1, ce, 1},
                buf + (start - lo) * row_floats, ce, false, false, wp, ep1p);
      have_b = b;
      have_lo = lo;
      have_hi = hi;
      // The band as a depthwise convolution of its own: an image of the buffered rows, padded on top only
      // when it starts at the first row.
      DwArgs a = d;
      a.g.n = 1;
      a.g.h = hi >= lo ? hi - lo + 1 : 0;
      a.g.oh = oy1 - oy0;
      a.g.pt = g.pt + lo - oy0 * g.sh;
      a.x = buf;
      a.g.x = buf;
      a.out = d.out + (b * g.oh + oy0) * g.ow * ce;
      a.stream = false;
      DT_SIMD_CALL(dw_forward, a, 0, oy1 - oy0);
      r += oy1 - oy0;
    }
  });
}

}  // namespace dt
