// Shared pieces of the N-API entry points (addon.cc, addon_loops.cc).
#pragma once
#include <initializer_list>

#include "kernels.h"
#include "napi_util.h"

namespace dt {

// Reads the Int32Array geometry [n, h, w, c, kh, kw, oh, ow, sh, sw, dh, dw, pt, pl, cout] at argument i
// and checks the three buffers: input (x or dy), filter-like and output against it.
inline bool read_geom(Args& args, size_t i, ConvGeom* g, idx* cout) {
  idx len = 0;
  const std::int32_t* v = args.i32(i, &len);
  if (args.failed) return false;
  if (len != 15) {
    args.range_error("geometry must have 15 entries");
    return false;
  }
  *g = ConvGeom{nullptr, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13]};
  *cout = v[14];
  for (int k = 0; k < 15; k++)
    if (v[k] < 0 || (k >= 8 && k < 12 && v[k] < 1)) {
      args.range_error("invalid geometry");
      return false;
    }
  return true;
}

// One function of the addon's exports: its JS name and entry point.
struct Export {
  const char* name;
  napi_callback cb;
};

// Sets each function as a (writable) property of exports.
inline void export_functions(napi_env env, napi_value exports, std::initializer_list<Export> fns) {
  for (const Export& f : fns) {
    napi_value v;
    napi_create_function(env, f.name, NAPI_AUTO_LENGTH, f.cb, nullptr, &v);
    napi_set_named_property(env, exports, f.name, v);
  }
}

inline bool check_len(Args& args, idx got, idx want, const char* what) {
  if (got == want) return true;
  char msg[120];
  snprintf(msg, sizeof msg, "%s has %lld elements, expected %lld", what, static_cast<long long>(got),
           static_cast<long long>(want));
  args.range_error(msg);
  return false;
}

// Adds the loop kernels (addon_loops.cc) to the exports.
void register_loop_kernels(napi_env env, napi_value exports);
// Adds compare and select (select.cc) to the exports.
void register_select_kernels(napi_env env, napi_value exports);
// Tunes the allocator for tensor buffers and adds setMallocReuse (memory.cc).
void register_memory_kernels(napi_env env, napi_value exports);
// Adds outputBuffer, bufferPool and setBufferPool: recycled storage for large outputs (buffer_pool.cc).
void register_buffer_pool(napi_env env, napi_value exports);
// Adds softmax / log-softmax over the last axis (softmax.cc) to the exports.
void register_softmax_kernels(napi_env env, napi_value exports);
// Adds recordStart, recordFinish, recordAbort and replayRecorded (recorded.cc).
void register_recorded(napi_env env, napi_value exports);
// Adds copyBox: constant padding and slicing of float32 tensors (copy_box.cc).
void register_copy_box(napi_env env, napi_value exports);
// Whether freed tensor buffers are kept for reuse (memory.cc).
bool malloc_reuse();

}  // namespace dt
