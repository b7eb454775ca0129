// AVX2 + FMA micro-kernel, 6 x 16 (12 ymm accumulators). Compiled with -mavx2 -mfma; only called
// after a run-time CPU check. No standard-library templates here: an inline function instantiated in
// this file with AVX encodings could be picked by the linker for code that runs on older CPUs.
#include <cstddef>

#include "common.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>

namespace dt {
namespace {

// The asm reads TileEpilogue's fields at these offsets.
static_assert(offsetof(TileEpilogue, bias) == 0 && offsetof(TileEpilogue, res) == 8 && offsetof(TileEpilogue, ldr) == 16 &&
                  offsetof(TileEpilogue, act) == 24 && sizeof(idx) == 8,
              "TileEpilogue layout");
const float kSix = 6.0f;

void kernel_6x16(idx kc, const float* a, const float* b, float* c, idx ldc, int acc, const TileEpilogue* ep) {
  // Written in assembly: GCC's schedule of the same intrinsics spills and shuffles registers, which
  // costs a tenth or more of the throughput. Accumulators ymm4-15, B in ymm0-1, A broadcasts ymm2-3.
  idx k4 = kc / 4, kr = kc % 4, ldcb = ldc * 4, accq = acc;
  for (int r = 0; r < 6; r++) _mm_prefetch(reinterpret_cast<const char*>(c + r * ldc), _MM_HINT_T0);
  __asm__ volatile(
      "vxorps %%ymm4, %%ymm4, %%ymm4\n\t"
      "vxorps %%ymm5, %%ymm5, %%ymm5\n\t"
      "vxorps %%ymm6, %%ymm6, %%ymm6\n\t"
      "vxorps %%ymm7, %%ymm7, %%ymm7\n\t"
      "vxorps %%ymm8, %%ymm8, %%ymm8\n\t"
      "vxorps %%ymm9, %%ymm9, %%ymm9\n\t"
      "vxorps %%ymm10, %%ymm10, %%ymm10\n\t"
      "vxorps %%ymm11, %%ymm11, %%ymm11\n\t"
      "vxorps %%ymm12, %%ymm12, %%ymm12\n\t"
      "vxorps %%ymm13, %%ymm13, %%ymm13\n\t"
      "vxorps %%ymm14, %%ymm14, %%ymm14\n\t"
      "vxorps %%ymm15, %%ymm15, %%ymm15\n\t"
      "test %[k4], %[k4]\n\t"
      "jz 2f\n\t"
      "1:\n\t"
      "prefetcht0 384(%[a])\n\t"
      "vmovaps 0(%[b]), %%ymm0\n\t"
      "vmovaps 32(%[b]), %%ymm1\n\t"
      "vbroadcastss 0(%[a]), %%ymm2\n\t"
      "vfmadd231ps %%ymm0, %%ymm2, %%ymm4\n\t"
      "vfmadd231ps %%ymm1, %%ymm2, %%ymm5\n\t"
      "vbroadcastss 4(%[a]), %%ymm3\n\t"
      "vfmadd231ps %%ymm0, %%ymm3, %%ymm6\n\t"
      "vfmadd231ps %%ymm1, %%ymm3, %%ymm7\n\t"
      "vbroadcastss 8(%[a]), %%ymm2\n\t"
      "vfmadd231ps %%ymm0, %%ymm2, %%ymm8\n\t"
      "vfmadd231ps %%ymm1, %%ymm2, %%ymm9\n\t"
      "vbroadcastss 12(%[a]), %%ymm3\n\t"
      "vfmadd231ps %%ymm0, %%ymm3, %%ymm10\n\t"
      "vfmadd231ps %%ymm1, %%ymm3, %%ymm11\n\t"
      "vbroadcastss 16(%[a]), %%ymm2\n\t"
      "vfmadd231ps %%ymm0, %%ymm2, %%ymm12\n\t"
      "vfmadd231ps %%ymm1, %%ymm2, %%ymm13\n\t"
      "vbroadcastss 20(%[a]), %%ymm3\n\t"
      "vfmadd231ps %%ymm0, %%ymm3, %%ymm14\n\t"
      "vfmadd231ps %%ymm1, %%ymm3, %%ymm15\n\t"
      "vmovaps 64(%[b]), %%ymm0\n\t"
      "vmovaps 96(%[b]), %%ymm1\n\t"
      "vbroadcastss 24(%[a]), %%ymm2\n\t"
      "vfmadd231ps %%ymm0, %%ymm2, %%ymm4\n\t"
      "vfmadd231ps %%ymm1, %%ymm2, %%ymm5\n\t"
      "vbroadcastss 28(%[a]), %%ymm3\n\t"
      "vfmadd231ps %%ymm0, %%ymm3, %%ymm6\n\t"
      "vfmadd231ps %%ymm1, %%ymm3, %%ymm7\n\t"
      "vbroadcastss 32(%[a]), %%ymm2\n\t"
      "vfmadd231ps %%ymm0, %%ymm2, %%ymm8\n\t"
      "vfmadd231ps %%ymm1, %%ymm2, %%ymm9\n\t"
      "vbroadcastss 36(%[a]), %%ymm3\n\t"
      "vfmadd231ps %%ymm0, %%ymm3, %%ymm10\n\t"
      "vfmadd231ps %%ymm1, %%ymm3, %%ymm11\n\t"
      "vbroadcastss 40(%[a]), %%ymm2\n\t"
      "vfmadd231ps %%ymm0, %%ymm2, %%ymm12\n\t"
      "vfmadd231ps %%ymm1, %%ymm2, %%ymm13\n\t"
      "vbroadcastss 44(%[a]), %%ymm3\n\t"
      "vfmadd231ps %%ymm0, %%ymm3, %%ymm14\n\t"
      "vfmadd231ps %%ymm1, %%ymm3, %%ymm15\n\t"
      "vmovaps 128(%[b]), %%ymm0\n\t"
      "vmovaps 160(%[b]), %%ymm1\n\t"
      "vbroadcastss 48(%[a]), %%ymm2\n\t"
      "vfmadd231ps %%ymm0, %%ymm2, %%ymm4\n\t"
      "vfmadd231ps %%ymm1, %%ymm2, %%ymm5\n\t"
      "vbroadcastss 52(%[a]), %%ymm3\n\t"
      "vfmadd231ps %%ymm0, %%ymm3, %%ymm6\n\t"
      "vfmadd231ps %%ymm1, %%ymm3, %%ymm7\n\t"
      "vbroadcastss 56(%[a]), %%ymm2\n\t"
      "vfmadd231ps %%ymm0, %%ymm2, %%ymm8\n\t"
      "vfmadd231ps %%ymm1, %%ymm2, %%ymm9\n\t"
      "vbroadcastss 60(%[a]), %%ymm3\n\t"
      "vfmadd231ps %%ymm0, %%ymm3, %%ymm10\n\t"
      "vfmadd231ps %%ymm1, %%ymm3, %%ymm11\n\t"
      "vbroadcastss 64(%[a]), %%ymm2\n\t"
      "vfmadd231ps %%ymm0, %%ymm2, %%ymm12\n\t"
      "vfmadd231ps %%ymm1, %%ymm2, %%ymm13\n\t"
      "vbroadcastss 68(%[a]), %%ymm3\n\t"
      "vfmadd231ps %%ymm0, %%ymm3, %%ymm14\n\t"
      "vfmadd231ps %%ymm1, %%ymm3, %%ymm15\n\t"
      "vmovaps 192(%[b]), %%ymm0\n\t"
      "vmovaps 224(%[b]), %%ymm1\n\t"
      "vbroadcastss 72(%[a]), %%ymm2\n\t"
      "vfmadd231ps %%ymm0, %%ymm2, %%ymm4\n\t"
      "vfmadd231ps %%ymm1, %%ymm2, %%ymm5\n\t"
      "vbroadcastss 76(%[a]), %%ymm3\n\t"
      "vfmadd231ps %%ymm0, %%ymm3, %%ymm6\n\t"
      "vfmadd231ps %%ymm1, %%ymm3, %%ymm7\n\t"
      "vbroadcastss 80(%[a]), %%ymm2\n\t"
      "vfmadd231ps %%ymm0, %%ymm2, %%ymm8\n\t"
      "vfmadd231ps %%ymm1, %%ymm2, %%ymm9\n\t"
      "vbroadcastss 84(%[a]), %%ymm3\n\t"
      "vfmadd231ps %%ymm0, %%ymm3, %%ymm10\n\t"
      "vfmadd231ps %%ymm1, %%ymm3, %%ymm11\n\t"
      "vbroadcastss 88(%[a]), %%ymm2\n\t"
      "vfmadd231ps %%ymm0, %%ymm2, %%ymm12\n\t"
      "vfmadd231ps %%ymm1, %%ymm2, %%ymm13\n\t"
      "vbroadcastss 92(%[a]), %%ymm3\n\t"
      "vfmadd231ps %%ymm0, %%ymm3, %%ymm14\n\t"
      "vfmadd231ps %%ymm1, %%ymm3, %%ymm15\n\t"
      "add $96, %[a]\n\t"
      "add $256, %[b]\n\t"
      "dec %[k4]\n\t"
      "jnz 1b\n\t"
      "2:\n\t"
      "test %[kr], %[kr]\n\t"
      "jz 4f\n\t"
      "3:\n\t"
      "vmovaps 0(%[b]), %%ymm0\n\t"
      "vmovaps 32(%[b]), %%ymm1\n\t"
      "vbroadcastss 0(%[a]), %%ymm2\n\t"
      "vfmadd231ps %%ymm0, %%ymm2, %%ymm4\n\t"
      "vfmadd231ps %%ymm1, %%ymm2, %%ymm5\n\t"
      "vbroadcastss 4(%[a]), %%ymm3\n\t"
      "vfmadd231ps %%ymm0, %%ymm3, %%ymm6\n\t"
      "vfmadd231ps %%ymm1, %%ymm3, %%ymm7\n\t"
      "vbroadcastss 8(%[a]), %%ymm2\n\t"
      "vfmadd231ps %%ymm0, %%ymm2, %%ymm8\n\t"
      "vfmadd231ps %%ymm1, %%ymm2, %%ymm9\n\t"
      "vbroadcastss 12(%[a]), %%ymm3\n\t"
      "vfmadd231ps %%ymm0, %%ymm3, %%ymm10\n\t"
      "vfmadd231ps %%ymm1, %%ymm3, %%ymm11\n\t"
      "vbroadcastss 16(%[a]), %%ymm2\n\t"
      "vfmadd231ps %%ymm0, %%ymm2, %%ymm12\n\t"
      "vfmadd231ps %%ymm1, %%ymm2, %%ymm13\n\t"
      "vbroadcastss 20(%[a]), %%ymm3\n\t"
      "vfmadd231ps %%ymm0, %%ymm3, %%ymm14\n\t"
      "vfmadd231ps %%ymm1, %%ymm3, %%ymm15\n\t"
      "add $24, %[a]\n\t"
      "add $64, %[b]\n\t"
      "dec %[kr]\n\t"
      "jnz 3b\n\t"
      "4:\n\t"
      "test %[acc], %[acc]\n\t"
      "jz 5f\n\t"
      "vaddps (%[c]), %%ymm4, %%ymm4\n\t"
      "vaddps 32(%[c]), %%ymm5, %%ymm5\n\t"
      "vaddps (%[c],%[ldc],1), %%ymm6, %%ymm6\n\t"
      "vaddps 32(%[c],%[ldc],1), %%ymm7, %%ymm7\n\t"
      "vaddps (%[c],%[ldc],2), %%ymm8, %%ymm8\n\t"
      "vaddps 32(%[c],%[ldc],2), %%ymm9, %%ymm9\n\t"
      "vaddps (%[c3]), %%ymm10, %%ymm10\n\t"
      "vaddps 32(%[c3]), %%ymm11, %%ymm11\n\t"
      "vaddps (%[c3],%[ldc],1), %%ymm12, %%ymm12\n\t"
      "vaddps 32(%[c3],%[ldc],1), %%ymm13, %%ymm13\n\t"
      "vaddps (%[c3],%[ldc],2), %%ymm14, %%ymm14\n\t"
      "vaddps 32(%[c3],%[ldc],2), %%ymm15, %%ymm15\n\t"
      "5:\n\t"
      // The epilogue (TileEpilogue at ep: bias, residual, activation) in registers. a, b, k4 and kr are free now.
      "test %[ep], %[ep]\n\t"
      "jz 9f\n\t"
      "mov 0(%[ep]), %[a]\n\t"
      "test %[a], %[a]\n\t"
      "jz 6f\n\t"
      "vmovups (%[a]), %%ymm0\n\t"
      "vmovups 32(%[a]), %%ymm1\n\t"
      "vaddps %%ymm0, %%ymm4, %%ymm4\n\t"
      "vaddps %%ymm1, %%ymm5, %%ymm5\n\t"
      "vaddps %%ymm0, %%ymm6, %%ymm6\n\t"
      "vaddps %%ymm1, %%ymm7, %%ymm7\n\t"
      "vaddps %%ymm0, %%ymm8, %%ymm8\n\t"
      "vaddps %%ymm1, %%ymm9, %%ymm9\n\t"
      "vaddps %%ymm0, %%ymm10, %%ymm10\n\t"
      "vaddps %%ymm1, %%ymm11, %%ymm11\n\t"
      "vaddps %%ymm0, %%ymm12, %%ymm12\n\t"
      "vaddps %%ymm1, %%ymm13, %%ymm13\n\t"
      "vaddps %%ymm0, %%ymm14, %%ymm14\n\t"
      "vaddps %%ymm1, %%ymm15, %%ymm15\n\t"
      "6:\n\t"
      "mov 8(%[ep]), %[a]\n\t"
      "test %[a], %[a]\n\t"
      "jz 7f\n\t"
      "mov 16(%[ep]), %[b]\n\t"
      "shl $2, %[b]\n\t"
      "lea (%[b],%[b],2), %[k4]\n\t"
      "add %[a], %[k4]\n\t"
      "vaddps (%[a]), %%ymm4, %%ymm4\n\t"
      "vaddps 32(%[a]), %%ymm5, %%ymm5\n\t"
      "vaddps (%[a],%[b],1), %%ymm6, %%ymm6\n\t"
      "vaddps 32(%[a],%[b],1), %%ymm7, %%ymm7\n\t"
      "vaddps (%[a],%[b],2), %%ymm8, %%ymm8\n\t"
      "vaddps 32(%[a],%[b],2), %%ymm9, %%ymm9\n\t"
      "vaddps (%[k4]), %%ymm10, %%ymm10\n\t"
      "vaddps 32(%[k4]), %%ymm11, %%ymm11\n\t"
      "vaddps (%[k4],%[b],1), %%ymm12, %%ymm12\n\t"
      "vaddps 32(%[k4],%[b],1), %%ymm13, %%ymm13\n\t"
      "vaddps (%[k4],%[b],2), %%ymm14, %%ymm14\n\t"
      "vaddps 32(%[k4],%[b],2), %%ymm15, %%ymm15\n\t"
      "7:\n\t"
      // relu (1) or relu6 (2): the source operand (the value) wins when it is NaN.
      "movl 24(%[ep]), %k[a]\n\t"
      "cmp $1, %k[a]\n\t"
      "jl 9f\n\t"
      "vxorps %%ymm2, %%ymm2, %%ymm2\n\t"
      "je 8f\n\t"
      "vbroadcastss %[six], %%ymm3\n\t"
      "vminps %%ymm4, %%ymm3, %%ymm4\n\t"
      "vminps %%ymm5, %%ymm3, %%ymm5\n\t"
      "vminps %%ymm6, %%ymm3, %%ymm6\n\t"
      "vminps %%ymm7, %%ymm3, %%ymm7\n\t"
      "vminps %%ymm8, %%ymm3, %%ymm8\n\t"
      "vminps %%ymm9, %%ymm3, %%ymm9\n\t"
      "vminps %%ymm10, %%ymm3, %%ymm10\n\t"
      "vminps %%ymm11, %%ymm3, %%ymm11\n\t"
      "vminps %%ymm12, %%ymm3, %%ymm12\n\t"
      "vminps %%ymm13, %%ymm3, %%ymm13\n\t"
      "vminps %%ymm14, %%ymm3, %%ymm14\n\t"
      "vminps %%ymm15, %%ymm3, %%ymm15\n\t"
      "8:\n\t"
      "vmaxps %%ymm4, %%ymm2, %%ymm4\n\t"
      "vmaxps %%ymm5, %%ymm2, %%ymm5\n\t"
      "vmaxps %%ymm6, %%ymm2, %%ymm6\n\t"
      "vmaxps %%ymm7, %%ymm2, %%ymm7\n\t"
      "vmaxps %%ymm8, %%ymm2, %%ymm8\n\t"
      "vmaxps %%ymm9, %%ymm2, %%ymm9\n\t"
      "vmaxps %%ymm10, %%ymm2, %%ymm10\n\t"
      "vmaxps %%ymm11, %%ymm2, %%ymm11\n\t"
      "vmaxps %%ymm12, %%ymm2, %%ymm12\n\t"
      "vmaxps %%ymm13, %%ymm2, %%ymm13\n\t"
      "vmaxps %%ymm14, %%ymm2, %%ymm14\n\t"
      "vmaxps %%ymm15, %%ymm2, %%ymm15\n\t"
      "9:\n\t"
      "vmovups %%ymm4, (%[c])\n\t"
      "vmovups %%ymm5, 32(%[c])\n\t"
      "vmovups %%ymm6, (%[c],%[ldc],1)\n\t"
      "vmovups %%ymm7, 32(%[c],%[ldc],1)\n\t"
      "vmovups %%ymm8, (%[c],%[ldc],2)\n\t"
      "vmovups %%ymm9, 32(%[c],%[ldc],2)\n\t"
      "vmovups %%ymm10, (%[c3])\n\t"
      "vmovups %%ymm11, 32(%[c3])\n\t"
      "vmovups %%ymm12, (%[c3],%[ldc],1)\n\t"
      "vmovups %%ymm13, 32(%[c3],%[ldc],1)\n\t"
      "vmovups %%ymm14, (%[c3],%[ldc],2)\n\t"
      "vmovups %%ymm15, 32(%[c3],%[ldc],2)\n\t"
      "vzeroupper\n\t"
      : [a] "+r"(a), [b] "+r"(b), [k4] "+r"(k4), [kr] "+r"(kr)
      : [c] "r"(c), [c3] "r"(c + 3 * ldc), [ldc] "r"(ldcb), [acc] "r"(accq), [ep] "r"(ep), [six] "m"(kSix)
      : "memory", "cc", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10",
        "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
}

// Six streams to 6-float groups, eight at a time: an 8 x 8 transpose (two rows zero) whose
// overlapping 8-float stores each leave two floats that the next store overwrites.
void interleave6(const float* const* src, idx run, float* d) {
  idx q = 0;
  const __m256 z = _mm256_setzero_ps();
  for (; q + 8 <= run; q += 8, d += 48) {
    __m256 r0 = _mm256_loadu_ps(src[0] + q), r1 = _mm256_loadu_ps(src[1] + q), r2 = _mm256_loadu_ps(src[2] + q);
    __m256 r3 = _mm256_loadu_ps(src[3] + q), r4 = _mm256_loadu_ps(src[4] + q), r5 = _mm256_loadu_ps(src[5] + q);
    __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
    __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
    __m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5);
    __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
    __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
    __m256 u4 = _mm256_shuffle_ps(t4, z, 0x44), u5 = _mm256_shuffle_ps(t4, z, 0xEE);
    __m256 u6 = _mm256_shuffle_ps(t5, z, 0x44), u7 = _mm256_shuffle_ps(t5, z, 0xEE);
    _mm256_storeu_ps(d + 0, _mm256_permute2f128_ps(u0, u4, 0x20));
    _mm256_storeu_ps(d + 6, _mm256_permute2f128_ps(u1, u5, 0x20));
    _mm256_storeu_ps(d + 12, _mm256_permute2f128_ps(u2, u6, 0x20));
    _mm256_storeu_ps(d + 18, _mm256_permute2f128_ps(u3, u7, 0x20));
    _mm256_storeu_ps(d + 24, _mm256_permute2f128_ps(u0, u4, 0x31));
    _mm256_storeu_ps(d + 30, _mm256_permute2f128_ps(u1, u5, 0x31));
    _mm256_storeu_ps(d + 36, _mm256_permute2f128_ps(u2, u6, 0x31));
    _mm256_storeu_ps(d + 42, _mm256_permute2f128_ps(u3, u7, 0x31));
  }
  for (; q < run; q++, d += 6)
    for (int i = 0; i < 6; i++) d[i] = src[i][q];
}

}  // namespace

extern const UKernel ukernel_avx2 = {"avx2", 6, 16, 144, 256, 4080, kernel_6x16, interleave6};

}  // namespace dt
#endif
