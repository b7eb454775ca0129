// How the process allocator treats tensor buffers. Every op result is a fresh typed array, which V8 gets
// from calloc; glibc serves blocks over its mmap threshold (128 KiB, raised adaptively up to 32 MiB)
// with fresh mmaps, and each of their pages faults on first write and is zeroed by the kernel: a train
// step of the HappyModel (16 MiB activations) spent more time faulting pages than in some of its
// kernels. Raising the mmap threshold to 32 MiB and keeping up to 256 MiB of freed memory (the trim
// threshold) makes such buffers reuse heap memory that is already mapped. Larger blocks (a MobileNetV2
// depthwise layer's [32,56,56,144] activations are 58 MB) would still be fresh mmaps, 14k faults (about
// 28 ms here) each: M_MMAP_MAX 0 serves every block from the heap (the main arena still maps memory
// itself when the heap cannot grow), so those reuse freed heap memory too and calloc pays a memset
// instead. DEEPTS_MALLOC_TUNE=0 leaves the allocator alone. Only glibc has these knobs; elsewhere this
// does nothing.
#include <cstdlib>
#include <cstring>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "addon_common.h"

namespace dt {
namespace {

bool tuned = false;

bool set_reuse(bool on) {
#if defined(__GLIBC__) && defined(M_MMAP_THRESHOLD) && defined(M_TRIM_THRESHOLD) && defined(M_MMAP_MAX)
  // Off restores glibc's initial values (the adaptive threshold stays disabled once set: harmless).
  int mmap_threshold = on ? (32 << 20) : (128 << 10);
  int trim_threshold = on ? (256 << 20) : (128 << 10);
  int mmap_max = on ? 0 : 65536;
  if (mallopt(M_MMAP_THRESHOLD, mmap_threshold) != 1 || mallopt(M_TRIM_THRESHOLD, trim_threshold) != 1 ||
      mallopt(M_MMAP_MAX, mmap_max) != 1)
    return tuned;
  tuned = on;
  return tuned;
#else
  (void)on;
  return false;
#endif
}

// setMallocReuse(on) -> whether buffer reuse is now on (false where the allocator has no such knob).
napi_value SetMallocReuse(napi_env env, napi_callback_info info) {
  Args args(env, info, "setMallocReuse");
  args.no_kernel();
  bool on = args.boolean(0);
  if (args.failed) return nullptr;
  return make_bool(env, set_reuse(on));
}

}  // namespace

bool malloc_reuse() { return tuned; }

void register_memory_kernels(napi_env env, napi_value exports) {
  const char* env_tune = std::getenv("DEEPTS_MALLOC_TUNE");
  if (!(env_tune && std::strcmp(env_tune, "0") == 0)) set_reuse(true);
  export_functions(env, exports, {{"setMallocReuse", SetMallocReuse}});
}

}  // namespace dt
