// Shared declarations of the deepts native kernels: strided matrix views, the micro-kernel table,
// the GEMM entry points and the thread pool.
#pragma once
#include <cstddef>
#include <cstdint>

namespace dt {

using idx = std::int64_t;

// Element (i, j) lives at p[i * rs + j * cs]; transposes are just swapped strides.
struct MatRef {
  const float* p;
  idx rs;
  idx cs;
};

// What a micro-kernel applies to its finished tile, in registers: + bias[j] (null: none), + res[i * ldr + j]
// (null: none), then act (0 linear, 1 relu, 2 relu6; NaN stays NaN). A separate pass over the tile cost more
// than the product when kc is small (a 1x1 convolution with 16 input channels: 2.5x the time). bias holds nr
// values, res an mr x nr tile.
struct TileEpilogue {
  const float* bias;
  const float* res;
  idx ldr;
  int act;
};

// A register-blocked micro-kernel: C[mr x nr] (row stride ldc) = ep((accumulate ? C : 0) + Ap * Bp), where
// Ap is kc x mr packed column by column (mr floats per k) and Bp is kc x nr packed row by row; ep null: none.
using UKernelFn = void (*)(idx kc, const float* a, const float* b, float* c, idx ldc, int accumulate,
                           const TileEpilogue* ep);

// Writes d[q * mr + i] = src[i][q] for q < run, i < mr (packing mr gathered streams); may write up
// to 16 floats past the end (callers leave that slack).
using InterleaveFn = void (*)(const float* const* src, idx run, float* d);

struct UKernel {
  const char* name;
  int mr, nr;
  idx mc, kc, nc;  // cache blocking
  UKernelFn fn;
  InterleaveFn interleave;  // optional vectorized packing helper for implicit im2col
};

// Instruction sets the kernels are compiled for, chosen at run time.
enum class Isa { generic = 0, avx2 = 1, avx512 = 2 };

bool isa_supported(Isa isa);
Isa isa_active();
// Selects an instruction set (for tests); returns false and changes nothing when the CPU lacks it.
bool isa_select(Isa isa);
const char* isa_name(Isa isa);
const UKernel& ukernel();

// Per-ISA micro-kernels (defined in ukernel_*.cc, each compiled with its own -m flags).
extern const UKernel ukernel_generic;
#if defined(__x86_64__) || defined(_M_X64)
extern const UKernel ukernel_avx2;
extern const UKernel ukernel_avx512;
#endif

// Convolution geometry over an NHWC input x [n, h, w, c] and a [kh, kw, c, *] filter. Its im2col
// matrix has one row per output pixel (n * oh * ow) and one column per tap and channel (kh * kw * c).
struct ConvGeom {
  const float* x;
  idx n, h, w, c;
  idx kh, kw;
  idx oh, ow;
  idx sh, sw, dh, dw;
  idx pt, pl;  // top and left padding (may be negative: cropping)
  idx rows() const { return n * oh * ow; }
  idx cols() const { return kh * kw * c; }
};

// Writes im2col(row r, columns [p0, p0 + len)) to dst[0], dst[stride], ... (zeros where padded).
void im2col_row(const ConvGeom& g, idx r, idx p0, idx len, float* dst, idx stride);

// The left GEMM operand: a strided matrix, or the im2col matrix of a convolution (never stored).
struct ASrc {
  MatRef m;
  const ConvGeom* conv;
};

// C[M x N] (row stride ldc) = (accumulate ? C : 0) + op(A) * op(B), multi-threaded.
void gemm(idx M, idx N, idx K, MatRef A, MatRef B, float* C, idx ldc, bool accumulate);
// Same on the calling thread only (for callers that parallelize over independent problems).
void gemm_serial(idx M, idx N, idx K, MatRef A, MatRef B, float* C, idx ldc, bool accumulate);
// B [K x N] packed once for many products with it (gemm_ex's Bp): packed_b_size floats, filled by pack_b_all.
idx packed_b_size(idx K, idx N);
void pack_b_all(idx K, idx N, MatRef B, float* out);
// The same packing behind a header naming the micro-kernel, K and N, in packed_b_bytes bytes at a 64-byte
// aligned buf (kept by the caller across calls); packed_b_data returns its panels, or null when they
// were packed for another micro-kernel or shape.
idx packed_b_bytes(idx K, idx N);
void pack_b_tagged(idx K, idx N, MatRef B, void* buf);
const float* packed_b_data(const void* buf, idx bytes, idx K, idx N);
// The header itself (64 bytes before the data), for other packed operands (the Winograd filters): `magic`
// names the kind; packed_data checks kind, micro-kernel, K, N and that `need` bytes are there.
void write_packed_header(void* buf, std::uint32_t magic, idx K, idx N);
const float* packed_data(const void* buf, idx bytes, std::uint32_t magic, idx K, idx N, idx need);
// General form: A may be an implicit im2col matrix; `threads` false runs on the calling thread.
// What gemm_ex applies to each block of C once it is complete, while it is still in cache: + bias[col]
// (null: none), + residual[row * ldc + col] (null: none; laid out as C), then act (0 linear, 1 relu,
// 2 relu6; NaN stays NaN).
struct Epilogue {
  const float* bias;
  int act;
  const float* residual = nullptr;
};

// Bp: B already packed by pack_b_all with the active micro-kernel (null: B is packed here; given, only the
// panels are read, never B.p).
void gemm_ex(idx M, idx N, idx K, const ASrc& A, MatRef B, float* C, idx ldc, bool accumulate, bool threads,
             const float* Bp = nullptr, const Epilogue* ep = nullptr);

// Thread pool: runs fn(tid, nt) for tid in [0, nt) with the caller as tid 0. Nested or concurrent
// calls run on the calling thread alone (nt = 1).
int num_threads();
void set_num_threads(int n);
// Parallel jobs run so far, and slices of them that a helper thread ran (the rest ran on the caller).
std::uint64_t pool_jobs();
// While on, helper threads keep spinning between jobs (up to 2 ms apart) instead of sleeping after 100 us.
void pool_hold(bool on);
std::uint64_t pool_helped();
template <class F>
void parallel(int nt, F&& f);
void parallel_raw(int nt, void (*fn)(void*, int, int), void* ctx);

template <class F>
void parallel(int nt, F&& f) {
  parallel_raw(nt, [](void* c, int tid, int n) { (*static_cast<F*>(c))(tid, n); }, static_cast<void*>(&f));
}

// Threads for `total` element-operations: one below ~32K (waking a helper costs more than it saves),
// then one per ~16K, at most the pool's size.
inline int threads_for_work(double total) {
  int nt = num_threads();
  if (total < 32768) return 1;
  int by = static_cast<int>(total / 16384);
  return by < nt ? (by < 1 ? 1 : by) : nt;
}

// Splits [0, n) into nt nearly equal chunks (multiples of `grain` except the last); returns chunk tid.
inline void split_range(idx n, int tid, int nt, idx grain, idx* begin, idx* end) {
  idx units = (n + grain - 1) / grain;
  idx per = units / nt, rem = units % nt;
  idx ub = tid * per + (tid < rem ? tid : rem);
  idx ue = ub + per + (tid < rem ? 1 : 0);
  *begin = ub * grain < n ? ub * grain : n;
  *end = ue * grain < n ? ue * grain : n;
}

// 64-byte aligned scratch memory that lives for the thread (grown, never shrunk).
float* scratch(int slot, idx floats);

}  // namespace dt
