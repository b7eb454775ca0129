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

// A register-blocked micro-kernel: C[mr x nr] (row stride ldc) = (accumulate ? C : 0) + Ap * Bp, where
// Ap is kc x mr packed column by column (mr floats per k) and Bp is kc x nr packed row by row.
using UKernelFn = void (*)(idx kc, const float* a, const float* b, float* c, idx ldc, int accumulate);

struct UKernel {
  const char* name;
  int mr, nr;
  idx mc, kc, nc;  // cache blocking
  UKernelFn fn;
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

// C[M x N] (row stride ldc) = (accumulate ? C : 0) + op(A) * op(B), multi-threaded.
void gemm(idx M, idx N, idx K, MatRef A, MatRef B, float* C, idx ldc, bool accumulate);
// Same on the calling thread only (for callers that parallelize over independent problems).
void gemm_serial(idx M, idx N, idx K, MatRef A, MatRef B, float* C, idx ldc, bool accumulate);

// Thread pool: runs fn(tid, nt) for tid in [0, nt) with the caller as tid 0. Nested or concurrent
// calls run on the calling thread alone (nt = 1).
int num_threads();
void set_num_threads(int n);
template <class F>
void parallel(int nt, F&& f);
void parallel_raw(int nt, void (*fn)(void*, int, int), void* ctx);

template <class F>
void parallel(int nt, F&& f) {
  parallel_raw(nt, [](void* c, int tid, int n) { (*static_cast<F*>(c))(tid, n); }, static_cast<void*>(&f));
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
