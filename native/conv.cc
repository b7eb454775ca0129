// conv2d forward and both backprops (NHWC input, HWIO filter) on top of the GEMM:
//  - forward: implicit im2col (taps gathered while packing the GEMM's A panels), 1x1/stride 1 as a GEMM;
//  - backprop input: stride 1 is a forward conv of dy with the flipped, transposed filter; other strides
//    compute columns with a GEMM and scatter them back (col2im);
//  - backprop filter: im2col in row chunks, dW accumulated over chunks by the GEMM.
#include <cstdlib>
#include <cstring>
#include <vector>

#include "conv_direct.h"
#include "kernels.h"
#include "simd.h"

namespace dt {

void im2col_row(const ConvGeom& g, idx r, idx p0, idx len, float* dst, idx stride) {
  const idx pix = g.oh * g.ow;
  const idx b = r / pix, rem = r - b * pix;
  const idx oy = rem / g.ow, ox = rem - oy * g.ow;
  const idx iy0 = oy * g.sh - g.pt, ix0 = ox * g.sw - g.pl;
  const idx kwc = g.kw * g.c;
  idx ky = p0 / kwc, t = p0 - ky * kwc;
  idx kx = t / g.c, ci = t - kx * g.c;
  const float* xb = g.x + b * g.h * g.w * g.c;
  while (len > 0) {
    idx run = g.c - ci < len ? g.c - ci : len;
    idx iy = iy0 + ky * g.dh, ix = ix0 + kx * g.dw;
    if (iy >= 0 && iy < g.h && ix >= 0 && ix < g.w) {
      const float* src = xb + (iy * g.w + ix) * g.c + ci;
      if (stride == 1) std::memcpy(dst, src, sizeof(float) * run);
      else
        for (idx q = 0; q < run; q++) dst[q * stride] = src[q];
    } else {
      for (idx q = 0; q < run; q++) dst[q * stride] = 0.0f;
    }
    dst += run * stride;
    len -= run;
    ci = 0;
    if (++kx == g.kw) {
      kx = 0;
      ky++;
    }
  }
}

namespace {

bool is_pointwise(const ConvGeom& g) {
  return g.kh == 1 && g.kw == 1 && g.sh == 1 && g.sw == 1 && g.pt == 0 && g.pl == 0 && g.oh == g.h && g.ow == g.w;
}

// Rows of im2col per chunk: about 4 MB of columns, at least 64 rows.
idx chunk_rows(const ConvGeom& g) {
  idx r = (idx{1} << 20) / (g.cols() > 0 ? g.cols() : 1);
  return r < 64 ? 64 : r;
}

// Few input channels: im2col runs of c floats make the GEMM's packing the bottleneck (the 7x7x3 and
// 3x3x3 stems), so those go to the direct kernels.
// Pointwise convs with few output channels too: the GEMM would pack the whole input (A) for the
// reuse of one or two column panels (measured single-threaded, MobileNetV2 batch 1: 1.1-1.5x for
// cout <= 32, even or slower from cout 64 up, also with cin 16).
bool use_direct(const ConvGeom& g, idx cout) { return g.c <= 4 || (g.kh == 1 && g.kw == 1 && g.c <= 256 && cout <= 48); }

// The direct kernels' view of g: the input itself when every window lies inside it, else a zero-padded
// copy of the part the windows cover (cheap: few channels).
struct DirectSetup {
  DirectConv d{};
  std::vector<float> padded;
  std::vector<idx> off;
  std::vector<float> wpk;

  DirectSetup(const ConvGeom& g, idx cout) {
    const idx eh = (g.oh - 1) * g.sh + (g.kh - 1) * g.dh + 1, ew = (g.ow - 1) * g.sw + (g.kw - 1) * g.dw + 1;
    d.n = g.n;
    d.c = g.c;
    d.kh = g.kh;
    d.kw = g.kw;
    d.oh = g.oh;
    d.ow = g.ow;
    d.sh = g.sh;
    d.sw = g.sw;
    d.dh = g.dh;
    d.cout = cout;
    d.np = (cout + 15) / 16;
    if (g.pt <= 0 && g.pl <= 0 && eh - g.pt <= g.h && ew - g.pl <= g.w) {
      d.x = g.x + (-g.pt * g.w - g.pl) * g.c;
      d.wp = g.w;
      d.bs = g.h * g.w * g.c;
    } else {
      padded.assign(static_cast<size_t>(g.n * eh * ew * g.c), 0.0f);
      for (idx b = 0; b < g.n; b++)
        for (idx r = 0; r < eh; r++) {
          idx iy = r - g.pt;
          if (iy < 0 || iy >= g.h) continue;
          idx x0 = g.pl > 0 ? g.pl : 0, x1 = g.w + g.pl < ew ? g.w + g.pl : ew;  // columns with data
          if (x1 <= x0) continue;
          std::memcpy(padded.data() + ((b * eh + r) * ew + x0) * g.c,
                      g.x + ((b * g.h + iy) * g.w + (x0 - g.pl)) * g.c, sizeof(float) * (x1 - x0) * g.c);
        }
      d.x = padded.data();
      d.wp = ew;
      d.bs = eh * ew * g.c;
    }
    off.resize(static_cast<size_t>(g.kw * g.c));
    for (idx kx = 0; kx < g.kw; kx++)
      for (idx ci = 0; ci < g.c; ci++) off[kx * g.c + ci] = kx * g.dw * g.c + ci;
    d.off = off.data();
  }

  // Output rows per thread: all threads when the work is worth a wake-up.
  int threads() const {
    double flops = 2.0 * d.n * d.oh * d.ow * d.kh * d.kw * d.c * d.cout;
    idx rows = d.n * d.oh;
    int nt = flops < 5e5 ? 1 : num_threads();
    return nt > rows ? static_cast<int>(rows) : nt;
  }
};

// y[i] = act(y[i] + res[i]) for i in [i0, i1) (NaN passes through the activations).
void residual_act_span(float* y, const float* res, idx i0, idx i1, int act) {
  for (idx i = i0; i < i1; i++) {
    const float v = y[i] + res[i];
    y[i] = act == 1 ? (v > 0.0f ? v : (v != v ? v : 0.0f)) : act == 2 ? (v > 0.0f ? (v < 6.0f ? v : 6.0f) : (v != v ? v : 0.0f)) : v;
  }
}

// residual (null: none) is added before the activation, by each thread over its rows right after computing
// them (still in its cache), not in a pass of its own.
void conv2d_direct(const ConvGeom& g, const float* w, idx cout, float* out, const float* bias, int act, const float* residual) {
  DirectSetup s(g, cout);
  s.d.bias = bias;
  s.d.act = residual ? 0 : act;
  const idx K = g.cols(), np = s.d.np;
  s.wpk.assign(static_cast<size_t>(np * K * 16), 0.0f);
  for (idx k = 0; k < K; k++)
    for (idx o = 0; o < cout; o++) s.wpk[((o >> 4) * K + k) * 16 + (o & 15)] = w[k * cout + o];
  s.d.wpk = s.wpk.data();
  s.d.out = out;
  const DirectConv& d = s.d;
  parallel(s.threads(), [&](int tid, int n) {
    idx r0, r1;
    split_range(d.n * d.oh, tid, n, 1, &r0, &r1);
    if (r1 <= r0) return;
    DT_SIMD_CALL(conv_direct_rows, d, r0, r1);
    if (residual) residual_act_span(out, residual, r0 * d.ow * cout, r1 * d.ow * cout, act);
  });
}

void conv2d_backprop_filter_direct(const ConvGeom& g, const float* dy, idx cout, float* dw) {
  DirectSetup s(g, cout);
  s.d.dy = dy;
  const DirectConv& d = s.d;
  const idx K = g.cols(), size = d.np * K * 16;
  const int nt = s.threads();
  // Each thread sums its rows into its own dW^T panels; added and unpacked at the end.
  std::vector<float> dwt(static_cast<size_t>(size) * nt, 0.0f);
  parallel(nt, [&](int tid, int n) {
    idx r0, r1;
    split_range(d.n * d.oh, tid, n, 1, &r0, &r1);
    float* dyp = scratch(3, direct_chunk_rows(d.ow) * d.ow * d.np * 16);
    if (r1 > r0) DT_SIMD_CALL(conv_direct_filter_rows, d, r0, r1, dwt.data() + size * tid, dyp);
  });
  for (int t = 1; t < nt; t++)
    for (idx i = 0; i < size; i++) dwt[i] += dwt[size * t + i];
  for (idx k = 0; k < K; k++)
    for (idx o = 0; o < cout; o++) dw[k * cout + o] = dwt[((o >> 4) * K + k) * 16 + (o & 15)];
}

}  // namespace

void conv2d(const ConvGeom& g, const float* w, idx cout, float* out) { conv2d_bias_act(g, w, cout, nullptr, 0, out); }

namespace {

// DEEPTS_CONV_DIRECT=0 or 1 forces the GEMM or the direct kernel (for A/B measurements and tests).
int direct_mode() {
  static const int mode = std::getenv("DEEPTS_CONV_DIRECT") ? std::atoi(std::getenv("DEEPTS_CONV_DIRECT")) : -1;
  return mode;
}

bool takes_direct(const ConvGeom& g, idx cout) { return direct_mode() == 1 || (direct_mode() < 0 && use_direct(g, cout)); }

}  // namespace

idx conv2d_packed_bytes(const ConvGeom& g, idx cout) {
  if (g.rows() == 0 || takes_direct(g, cout)) return 0;
  return winograd_applies(g, cout, true) ? winograd_packed_bytes(g.c, cout) : packed_b_bytes(g.cols(), cout);
}

void conv2d_pack_filter(const ConvGeom& g, const float* w, idx cout, void* buf) {
  if (winograd_applies(g, cout, true)) winograd_pack(w, g.c, cout, buf);
  else pack_b_tagged(g.cols(), cout, MatRef{w, cout, 1}, buf);
}

void residual_act_rows(float* y, const float* res, idx rows, idx ch, int act) {
  const idx n = rows * ch;
  // A memory-bound pass: split only from about 1 MB up.
  parallel(threads_for_work(static_cast<double>(n) * 0.125), [&](int tid, int nt) {
    idx i0, i1;
    split_range(n, tid, nt, 64, &i0, &i1);
    residual_act_span(y, res, i0, i1, act);
  });
}

void conv2d_bias_act(const ConvGeom& g, const float* w, idx cout, const float* bias, int act, float* out, const void* packed,
                     idx packed_bytes, const float* residual) {
  if (g.rows() == 0) return;
  if (takes_direct(g, cout)) {
    conv2d_direct(g, w, cout, out, bias, act, residual);
    return;
  }
  const float* up = winograd_packed_data(packed, packed_bytes, g.c, cout);
  if (winograd_applies(g, cout, up != nullptr)) {
    conv2d_winograd(g, w, cout, false, bias, residual ? 0 : act, out, up);
    if (residual) residual_act_rows(out, residual, g.rows(), cout, act);
    return;
  }
  const float* wp = packed_b_data(packed, packed_bytes, g.cols(), cout);
  // Bias, residual and activation on each block of the output as the GEMM finishes it, while it is in cache.
  const Epilogue ep{bias, act, residual};
  const Epilogue* epp = bias || act || residual ? &ep : nullptr;
  if (is_pointwise(g)) gemm_ex(g.rows(), cout, g.c, ASrc{MatRef{g.x, g.c, 1}, nullptr}, MatRef{w, cout, 1}, out, cout, false, true, wp, epp);
  else gemm_ex(g.rows(), cout, g.cols(), ASrc{MatRef{nullptr, 0, 0}, &g}, MatRef{w, cout, 1}, out, cout, false, true, wp, epp);
}

void conv2d_backprop_input(const ConvGeom& g, const float* dy, const float* w, idx cout, float* dx) {
  const idx cin = g.c, K = g.cols();
  if (is_pointwise(g)) {
    gemm(g.rows(), cin, cout, MatRef{dy, cout, 1}, MatRef{w, 1, cout}, dx, cin, false);
    return;
  }
  if (g.sh == 1 && g.sw == 1 && cin <= 4 && cout >= 8) {
    // Few input channels: a direct kernel with the output channels in the lanes (simd_conv_input.inc).
    const idx rows = g.n * g.h;
    double flops = 2.0 * static_cast<double>(rows) * g.w * g.kh * g.kw * cin * cout;
    int nt = flops < 2e6 ? 1 : num_threads();
    parallel(nt, [&](int tid, int n) {
      idx a0, a1;
      split_range(rows, tid, n, 1, &a0, &a1);
      if (a1 > a0) DT_SIMD_CALL(conv_input_grad_rows, g, dy, w, cout, dx, a0, a1);
    });
    return;
  }
  if (g.sh == 1 && g.sw == 1 && g.rows() >= cout) {
    // The same conv of dy as below, by Winograd when it applies to it.
    ConvGeom t{dy, g.n, g.oh, g.ow, cout, g.kh, g.kw, g.h, g.w, 1, 1, g.dh, g.dw, (g.kh - 1) * g.dh - g.pt, (g.kw - 1) * g.dw - g.pl};
    if (winograd_applies(t, cin)) {
      conv2d_winograd(t, w, cin, true, nullptr, 0, dx);
      return;
    }
    // dx[iy, ix, ci] = sum dy[iy - pt' + ky' dh, ...] * w'[ky', kx', co, ci] with the filter flipped
    // spatially and its channel axes swapped, pt' = (kh - 1) dh - pt. Few rows (deep layers at small
    // batch) take the column path below instead: it reads the filter in place, where the swap of
    // its K x cout entries would cost more than the product itself.
    std::vector<float> wf(static_cast<size_t>(K * cout));
    for (idx ky = 0; ky < g.kh; ky++)
      for (idx kx = 0; kx < g.kw; kx++) {
        const float* src = w + ((g.kh - 1 - ky) * g.kw + (g.kw - 1 - kx)) * cin * cout;
        float* dst = wf.data() + (ky * g.kw + kx) * cout * cin;
        // In 16 x 16 blocks, so the strided writes stay within a few cache lines.
        for (idx c0 = 0; c0 < cin; c0 += 16)
          for (idx o0 = 0; o0 < cout; o0 += 16) {
            idx c1 = c0 + 16 < cin ? c0 + 16 : cin, o1 = o0 + 16 < cout ? o0 + 16 : cout;
            for (idx ci = c0; ci < c1; ci++)
              for (idx co = o0; co < o1; co++) dst[co * cin + ci] = src[ci * cout + co];
          }
      }
    gemm_ex(t.rows(), cin, t.cols(), ASrc{MatRef{nullptr, 0, 0}, &t}, MatRef{wf.data(), cin, 1}, dx, cin, false, true);
    return;
  }
  // Strided (or few rows): columns = dy * W^T chunk by chunk, then scattered back onto dx.
  std::memset(dx, 0, sizeof(float) * g.n * g.h * g.w * cin);
  const idx rows = g.rows(), R = chunk_rows(g);
  std::vector<float> cols(static_cast<size_t>((R < rows ? R : rows) * K));
  for (idx r0 = 0; r0 < rows; r0 += R) {
    idx nr = R < rows - r0 ? R : rows - r0;
    gemm(nr, K, cout, MatRef{dy + r0 * cout, cout, 1}, MatRef{w, 1, cout}, cols.data(), K, false);
    // Scatter-add (col2im). Threads split the input channels, so their writes never overlap.
    const float* cdata = cols.data();
    int nt = cin >= 16 && static_cast<double>(nr) * K > 65536 ? num_threads() : 1;
    parallel(nt, [&](int tid, int n) {
      idx c0, c1;
      split_range(cin, tid, n, 8, &c0, &c1);
      if (c1 <= c0) return;
      const idx pix = g.oh * g.ow;
      for (idx r = 0; r < nr; r++) {
        idx gr = r0 + r;
        idx b = gr / pix, rem = gr - b * pix, oy = rem / g.ow, ox = rem - oy * g.ow;
        const float* src = cdata + r * K;
        float* xb = dx + b * g.h * g.w * cin;
        for (idx ky = 0; ky < g.kh; ky++) {
          idx iy = oy * g.sh - g.pt + ky * g.dh;
          if (iy < 0 || iy >= g.h) continue;
          for (idx kx = 0; kx < g.kw; kx++) {
            idx ix = ox * g.sw - g.pl + kx * g.dw;
            if (ix < 0 || ix >= g.w) continue;
            float* d = xb + (iy * g.w + ix) * cin;
            const float* sp = src + (ky * g.kw + kx) * cin;
            for (idx ci = c0; ci < c1; ci++) d[ci] += sp[ci];
          }
        }
      }
    });
  }
}

void conv2d_backprop_filter(const ConvGeom& g, const float* dy, idx cout, float* dw) {
  if (winograd_applies(g, cout)) {
    conv2d_winograd_filter(g, dy, cout, dw);
    return;
  }
  const idx cin = g.c, K = g.cols(), rows = g.rows();
  if (is_pointwise(g)) {
    gemm(cin, cout, rows, MatRef{g.x, 1, cin}, MatRef{dy, cout, 1}, dw, cout, false);
    return;
  }
  if (rows == 0) {
    std::memset(dw, 0, sizeof(float) * K * cout);
    return;
  }
  if (g.c <= 4) {
    conv2d_backprop_filter_direct(g, dy, cout, dw);
    return;
  }
  // dW [K x cout] = sum over row chunks of cols_chunk^T * dy_chunk (the GEMM packs the transposed
  // columns with contiguous reads). Few output channels with many rows compute dW^T = dy^T * cols
  // instead (a GEMM of cout rows reuses each packed column panel over all of them) and swap it at the
  // end, which costs K x cout moves against rows x K x cout multiply-adds. Each thread takes its own
  // rows (im2col and GEMM without any sync) into its own buffer; the partial sums are added at the end.
  const idx R = chunk_rows(g), size = K * cout;
  const bool transposed = cout < 128 && rows >= 256;
  double flops = 2.0 * rows * K * cout;
  int nt = flops < 4e6 ? 1 : num_threads();
  idx per = (rows + nt - 1) / nt;
  if (per < 64) nt = static_cast<int>((rows + 63) / 64 > 0 ? (rows + 63) / 64 : 1);
  if (nt > num_threads()) nt = num_threads();
  std::vector<float> partial(static_cast<size_t>(size) * (nt - 1 + (transposed ? 1 : 0)));
  float* first = transposed ? partial.data() + static_cast<size_t>(size) * (nt - 1) : dw;
  parallel(nt, [&](int tid, int n) {
    idx a0, a1;
    split_range(rows, tid, n, 1, &a0, &a1);
    float* mine = tid == 0 ? first : partial.data() + static_cast<size_t>(size) * (tid - 1);
    if (a1 <= a0) {
      std::memset(mine, 0, sizeof(float) * size);
      return;
    }
    float* cp = scratch(3, (R < a1 - a0 ? R : a1 - a0) * K);
    for (idx r0 = a0; r0 < a1; r0 += R) {
      idx nr = R < a1 - r0 ? R : a1 - r0;
      for (idx r = 0; r < nr; r++) im2col_row(g, r0 + r, 0, K, cp + r * K, 1);
      if (transposed)
        gemm_serial(cout, K, nr, MatRef{dy + r0 * cout, 1, cout}, MatRef{cp, K, 1}, mine, K, r0 > a0);
      else
        gemm_serial(K, cout, nr, MatRef{cp, 1, K}, MatRef{dy + r0 * cout, cout, 1}, mine, cout, r0 > a0);
    }
  });
  // n < nt when the pool ran the job inline (nested call): then tid 0 covered every row.
  for (int t = 1; t < nt; t++) {
    const float* other = partial.data() + static_cast<size_t>(size) * (t - 1);
    for (idx i = 0; i < size; i++) first[i] += other[i];
  }
  if (transposed)
    for (idx k0 = 0; k0 < K; k0 += 16)
      for (idx o = 0; o < cout; o++)
        for (idx k = k0; k < (k0 + 16 < K ? k0 + 16 : K); k++) dw[k * cout + o] = first[o * K + k];
}

}  // namespace dt
