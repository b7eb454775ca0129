// B operands packed once and reused across products: the Winograd convolution's 16 transformed filters,
// and the inference plan's constant conv filters, tagged with the micro-kernel they were packed for.
#include <cstdint>
#include <cstring>

#include "common.h"
#include "pack.h"

namespace dt {

idx packed_b_size(idx K, idx N) {
  const UKernel& uk = ukernel();
  return K * (((N + uk.nr - 1) / uk.nr) * uk.nr);
}

void pack_b_all(idx K, idx N, MatRef B, float* out) {
  const UKernel& uk = ukernel();
  const idx np = (N + uk.nr - 1) / uk.nr * uk.nr;
  // Block pc of kc rows at out + pc * np: nr-column panels of kc rows each, as gemm_block packs them.
  for (idx pc = 0; pc < K; pc += uk.kc) pack_b(B, pc, 0, uk.kc < K - pc ? uk.kc : K - pc, N, uk.nr, out + pc * np);
}

namespace {

// The header of a tagged packed operand: what it was packed for, so a later call with another micro-kernel
// (setIsa) or other dimensions ignores it instead of reading panels of the wrong shape.
struct PackedHeader {
  std::uint32_t magic;
  std::int32_t isa;
  std::int64_t K, N, kc, nr;
};
static_assert(sizeof(PackedHeader) <= 64, "the header fits the 64 bytes before the data");

}  // namespace

void write_packed_header(void* buf, std::uint32_t magic, idx K, idx N) {
  const UKernel& uk = ukernel();
  PackedHeader h{magic, static_cast<std::int32_t>(isa_active()), K, N, uk.kc, uk.nr};
  std::memcpy(buf, &h, sizeof h);
}

const float* packed_data(const void* buf, idx bytes, std::uint32_t magic, idx K, idx N, idx need) {
  if (!buf || bytes < need || reinterpret_cast<std::uintptr_t>(buf) % 64 != 0) return nullptr;
  PackedHeader h;
  std::memcpy(&h, buf, sizeof h);
  const UKernel& uk = ukernel();
  if (h.magic != magic || h.isa != static_cast<std::int32_t>(isa_active()) || h.K != K || h.N != N || h.kc != uk.kc || h.nr != uk.nr)
    return nullptr;
  return reinterpret_cast<const float*>(static_cast<const char*>(buf) + 64);
}

namespace {
constexpr std::uint32_t kPackedB = 0x4b434150;  // "PACK"
}  // namespace

idx packed_b_bytes(idx K, idx N) { return 64 + packed_b_size(K, N) * static_cast<idx>(sizeof(float)); }

void pack_b_tagged(idx K, idx N, MatRef B, void* buf) {
  write_packed_header(buf, kPackedB, K, N);
  pack_b_all(K, N, B, reinterpret_cast<float*>(static_cast<char*>(buf) + 64));
}

const float* packed_b_data(const void* buf, idx bytes, idx K, idx N) { return packed_data(buf, bytes, kPackedB, K, N, packed_b_bytes(K, N)); }

}  // namespace dt
