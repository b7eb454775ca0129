// Standalone check of the native kernels without Node: every instruction set the CPU supports is
// compared with a float64 reference (GEMM, conv) or with the portable variant (loop kernels), then
// GEMM is timed. Build and run: sh native/selftest/build.sh && build/selftest
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <random>
#include <string>
#include <vector>
#include <time.h>

#include "kernels.h"
#include "simd.h"

using namespace dt;

static std::mt19937 rng(42);
static std::vector<float> rnd(idx n) {
  std::uniform_real_distribution<float> d(-1, 1);
  std::vector<float> v(static_cast<size_t>(n));
  for (auto& x : v) x = d(rng);
  return v;
}
static int failures = 0;
static void expect_close(const char* what, const std::vector<float>& got, const std::vector<double>& want, double tol) {
  double worst = 0;
  for (size_t i = 0; i < got.size(); i++) {
    if ((std::isnan(got[i]) && std::isnan(want[i])) || got[i] == want[i]) continue;
    double e = std::fabs(got[i] - want[i]) / (1 + std::fabs(want[i]));
    if (!(e <= worst)) worst = e;
  }
  bool ok = worst <= tol;
  if (!ok) failures++;
  std::printf("%s %-60s max rel err %.2e\n", ok ? "ok  " : "FAIL", what, worst);
}
static std::vector<double> to_d(const std::vector<float>& v) { return std::vector<double>(v.begin(), v.end()); }

static void check_gemm(const char* isa) {
  const idx shapes[][3] = {{1, 1, 1}, {7, 19, 5}, {13, 33, 300}, {150, 70, 513}, {61, 2100, 3}, {500, 300, 700}, {37, 41, 1000}};
  for (auto& s : shapes)
    for (int t = 0; t < 4; t++) {
      idx m = s[0], n = s[1], k = s[2];
      bool ta = t & 1, tb = t & 2;
      auto a = rnd(m * k), b = rnd(k * n);
      std::vector<float> c(static_cast<size_t>(m * n));
      MatRef A{a.data(), ta ? 1 : k, ta ? m : 1}, B{b.data(), tb ? 1 : n, tb ? k : 1};
      gemm(m, n, k, A, B, c.data(), n, false);
      std::vector<double> r(static_cast<size_t>(m * n), 0.0);
      for (idx i = 0; i < m; i++)
        for (idx p = 0; p < k; p++) {
          double x = A.p[i * A.rs + p * A.cs];
          for (idx j = 0; j < n; j++) r[i * n + j] += x * B.p[p * B.rs + j * B.cs];
        }
      char what[120];
      std::snprintf(what, sizeof what, "%s gemm %lldx%lldx%lld ta=%d tb=%d threads=%d", isa, (long long)m, (long long)n,
                    (long long)k, ta, tb, num_threads());
      expect_close(what, c, r, 1e-4);
    }
}

static void check_conv(const char* isa) {
  // n h w c kh kw sh sw dh dw pt pb pl pr cout
  const idx cases[][15] = {{2, 9, 11, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 7},
                           {1, 13, 12, 3, 3, 3, 2, 2, 2, 1, 1, 2, 0, 1, 4},
                           {3, 6, 5, 17, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 9},
                           {1, 40, 40, 120, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 4}};
  for (auto& q : cases) {
    idx n = q[0], h = q[1], w = q[2], c = q[3], kh = q[4], kw = q[5], sh = q[6], sw = q[7], dh = q[8], dw = q[9];
    idx pt = q[10], pb = q[11], pl = q[12], pr = q[13], co = q[14];
    idx oh = (h + pt + pb - (kh - 1) * dh - 1) / sh + 1, ow = (w + pl + pr - (kw - 1) * dw - 1) / sw + 1;
    auto x = rnd(n * h * w * c), f = rnd(kh * kw * c * co), dy = rnd(n * oh * ow * co);
    ConvGeom g{x.data(), n, h, w, c, kh, kw, oh, ow, sh, sw, dh, dw, pt, pl};
    std::vector<double> ry(static_cast<size_t>(n * oh * ow * co), 0.0), rdx(x.size(), 0.0), rdw(f.size(), 0.0);
    for (idx b = 0; b < n; b++)
      for (idx oy = 0; oy < oh; oy++)
        for (idx ox = 0; ox < ow; ox++)
          for (idx ky = 0; ky < kh; ky++)
            for (idx kx = 0; kx < kw; kx++) {
              idx iy = oy * sh - pt + ky * dh, ix = ox * sw - pl + kx * dw;
              if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
              for (idx ci = 0; ci < c; ci++)
                for (idx o = 0; o < co; o++) {
                  idx xi = ((b * h + iy) * w + ix) * c + ci, wi = ((ky * kw + kx) * c + ci) * co + o;
                  idx yi = ((b * oh + oy) * ow + ox) * co + o;
                  ry[yi] += double(x[xi]) * f[wi];
                  rdx[xi] += double(dy[yi]) * f[wi];
                  rdw[wi] += double(x[xi]) * dy[yi];
                }
            }
    std::vector<float> y(ry.size()), dx(rdx.size()), dwv(rdw.size());
    conv2d(g, f.data(), co, y.data());
    conv2d_backprop_input(g, dy.data(), f.data(), co, dx.data());
    conv2d_backprop_filter(g, dy.data(), co, dwv.data());
    char what[120];
    std::snprintf(what, sizeof what, "%s conv2d %lldx%lldx%lldx%lld k%lldx%lld s%lld d%lld", isa, (long long)n, (long long)h,
                  (long long)w, (long long)c, (long long)kh, (long long)kw, (long long)sh, (long long)dh);
    expect_close((std::string(what) + " fwd").c_str(), y, ry, 1e-4);
    expect_close((std::string(what) + " dx").c_str(), dx, rdx, 1e-4);
    expect_close((std::string(what) + " dw").c_str(), dwv, rdw, 1e-3);
  }
}

// The loop kernels of `isa` against the portable build of the same loops.
static void check_loops(const char* isa) {
  Isa active = isa_active();
  auto run_all = [&](std::vector<std::vector<float>>& outs) {
    outs.clear();
    ConvGeom g{nullptr, 2, 9, 10, 19, 3, 3, 5, 5, 2, 2, 1, 1, 1, 1};
    auto x = rnd(2 * 9 * 10 * 19), w = rnd(3 * 3 * 19 * 2), dy = rnd(2 * 5 * 5 * 38);
    g.x = x.data();
    DwArgs a{g, 2, x.data(), w.data(), dy.data(), nullptr};
    std::vector<float> o1(2 * 5 * 5 * 38), o2(x.size()), o3(w.size());
    a.out = o1.data();
    depthwise_conv2d(a);
    a.out = o2.data();
    depthwise_conv2d_backprop_input(a);
    depthwise_conv2d_backprop_filter(a, o3.data());
    PoolArgs p{2, 9, 10, 19, 3, 3, 5, 5, 2, 2, 1, 1, x.data(), dy.data(), nullptr, 0, 19};
    std::vector<float> p1(2 * 5 * 5 * 19), p2(2 * 5 * 5 * 19), p3(x.size()), p4(x.size());
    p.out = p1.data();
    max_pool2d(p);
    p.out = p2.data();
    avg_pool2d(p);
    p.out = p3.data();
    max_pool2d_backprop(p);
    p.out = p4.data();
    avg_pool2d_backprop(p);
    auto u = rnd(100003);
    for (auto& v : u) v *= 30;
    outs = {o1, o2, o3, p1, p2, p3, p4};
    for (int op = 0; op < U_COUNT; op++) {
      std::vector<float> r(u.size());
      unary(op, u.data(), r.data(), static_cast<idx>(u.size()));
      outs.push_back(r);
    }
    auto bb = rnd(1000);
    idx shape[2] = {100, 1000}, sa[2] = {1000, 1}, sb[2] = {0, 1};
    for (int op = 0; op < B_COUNT; op++) {
      std::vector<float> r(100000);
      binary(op, u.data(), bb.data(), r.data(), 2, shape, sa, sb);
      outs.push_back(r);
    }
    for (int op = 0; op < R_COUNT; op++) {
      std::vector<float> r1(100), r2(1000);
      reduce(op, u.data(), r1.data(), 100, 1000, 1);
      reduce(op, u.data(), r2.data(), 1, 100, 1000);
      outs.push_back(r1);
      outs.push_back(r2);
    }
  };
  std::vector<std::vector<float>> mine, ref;
  std::mt19937 saved = rng;
  run_all(mine);
  isa_select(Isa::generic);
  rng = saved;
  run_all(ref);
  isa_select(active);
  for (size_t i = 0; i < mine.size(); i++) {
    char what[80];
    std::snprintf(what, sizeof what, "%s loop kernel #%zu vs generic", isa, i);
    expect_close(what, mine[i], to_d(ref[i]), 1e-5);
  }
}

static void bench_gemm(const char* isa, int threads) {
  set_num_threads(threads);
  for (idx n : {512, 1024, 2048}) {
    auto a = rnd(n * n), b = rnd(n * n);
    std::vector<float> c(static_cast<size_t>(n * n));
    double best = 1e9;
    for (int r = 0; r < (n < 2048 ? 10 : 4); r++) {
      auto t0 = std::chrono::steady_clock::now();
      gemm(n, n, n, MatRef{a.data(), n, 1}, MatRef{b.data(), n, 1}, c.data(), n, false);
      best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    std::printf("bench %s gemm %lld^3 threads=%d: %.1f GFLOP/s\n", isa, (long long)n, threads, 2.0 * n * n * n / best / 1e9);
  }
}

// Single-thread GEMM rate by this thread's CPU time (meaningful on a loaded machine).
static void tune(idx m, idx n, idx k) {
  set_num_threads(1);
  auto a = rnd(m * k), b = rnd(k * n);
  std::vector<float> c(static_cast<size_t>(m * n));
  double best = 1e9;
  for (int r = 0; r < 5; r++) {
    timespec t0, t1;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
    gemm(m, n, k, MatRef{a.data(), k, 1}, MatRef{b.data(), n, 1}, c.data(), n, false);
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
    best = std::min(best, (t1.tv_sec - t0.tv_sec) + 1e-9 * (t1.tv_nsec - t0.tv_nsec));
  }
  std::printf("tune %s %lldx%lldx%lld: %.1f GFLOP/s (thread CPU time)\n", isa_name(isa_active()), (long long)m, (long long)n,
              (long long)k, 2.0 * m * n * k / best / 1e9);
}

static void bench_conv(const char* isa, int threads) {
  set_num_threads(threads);
  // n h w c k s pad cout: ResNet-like layers
  const idx cases[][8] = {{8, 56, 56, 64, 3, 1, 1, 64}, {8, 56, 56, 256, 1, 1, 0, 64}, {8, 28, 28, 128, 3, 2, 1, 256}};
  for (auto& q : cases) {
    idx n = q[0], h = q[1], w = q[2], c = q[3], k = q[4], s = q[5], pad = q[6], co = q[7];
    idx oh = (h + 2 * pad - k) / s + 1, ow = (w + 2 * pad - k) / s + 1;
    auto x = rnd(n * h * w * c), f = rnd(k * k * c * co), dy = rnd(n * oh * ow * co);
    ConvGeom g{x.data(), n, h, w, c, k, k, oh, ow, s, s, 1, 1, pad, pad};
    std::vector<float> y(dy.size()), dx(x.size()), dw(f.size());
    double t[3] = {1e9, 1e9, 1e9};
    for (int r = 0; r < 5; r++)
      for (int which = 0; which < 3; which++) {
        auto t0 = std::chrono::steady_clock::now();
        if (which == 0) conv2d(g, f.data(), co, y.data());
        if (which == 1) conv2d_backprop_input(g, dy.data(), f.data(), co, dx.data());
        if (which == 2) conv2d_backprop_filter(g, dy.data(), co, dw.data());
        t[which] = std::min(t[which], std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
      }
    double flops = 2.0 * n * oh * ow * co * k * k * c;
    std::printf("bench %s conv %lldx%lldx%lldx%lld k%lld s%lld ->%lld threads=%d: fwd %.1f, dx %.1f, dw %.1f GFLOP/s\n", isa,
                (long long)n, (long long)h, (long long)w, (long long)c, (long long)k, (long long)s, (long long)co, threads,
                flops / t[0] / 1e9, flops / t[1] / 1e9, flops / t[2] / 1e9);
  }
}

int main(int argc, char** argv) {
  if (argc > 4 && std::string(argv[1]) == "--tune") {
    tune(std::atoll(argv[2]), std::atoll(argv[3]), std::atoll(argv[4]));
    return 0;
  }
  bool bench = argc > 1 && std::string(argv[1]) == "--bench";
  int hw = num_threads();
  for (int i = 2; i >= 0; i--) {
    Isa isa = static_cast<Isa>(i);
    if (!isa_select(isa)) {
      std::printf("skip %s (not supported by this CPU)\n", isa_name(isa));
      continue;
    }
    for (int t : {1, 2, hw}) {
      set_num_threads(t);
      check_gemm(isa_name(isa));
    }
    set_num_threads(hw);
    check_conv(isa_name(isa));
    if (isa != Isa::generic) check_loops(isa_name(isa));
    if (bench)
      for (int t : {1, 2, hw}) {
        bench_gemm(isa_name(isa), t);
        bench_conv(isa_name(isa), t);
      }
  }
  std::printf("%d failures\n", failures);
  return failures ? 1 : 0;
}
