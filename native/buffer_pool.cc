// Storage for large kernel outputs, recycled here rather than through V8's array buffer allocator. Once V8's
// young generation holds 32 MB of array buffers it runs a scavenge inside every large allocation: a 58 MB
// activation's allocation took 4 ms (median) next to its 9 ms depthwise forward. Blocks handed out here come
// back to a free list when their ArrayBuffer is collected and Node runs the finalizer, and the next output of a
// similar size reuses one whose pages are mapped and recently touched.
//
// Node runs those finalizers on the JS thread at a later turn of the event loop, so a loop that never yields
// (a synchronous training loop) gets nothing back: once kUnreturnedMax bytes have been handed out since the
// last block came back, outputBuffer answers null and the caller allocates through V8 as before. That bounds
// what such a loop can leave waiting to kUnreturnedMax.
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <map>
#include <mutex>

#include "addon_common.h"

namespace dt {
namespace {

constexpr size_t kUnreturnedMax = size_t(256) << 20;  // handed out since the last return
constexpr size_t kFreeMax = size_t(256) << 20;        // kept on the free list

struct BlockPool {
  std::mutex m;
  std::multimap<size_t, void*> free_blocks;  // capacity -> block
  size_t free_bytes = 0, out_bytes = 0, unreturned = 0;
  double reused = 0, allocated = 0, refused = 0;
  bool enabled = true;
};

BlockPool& block_pool() {
  // Leaked on purpose: finalizers may still return blocks while the process exits.
  static BlockPool* p = [] {
    auto* bp = new BlockPool();
    const char* s = std::getenv("DEEPTS_BUFFER_POOL");
    bp->enabled = !(s && s[0] == '0');
    return bp;
  }();
  return *p;
}

// Caller holds bp.m. Over the cap, the largest free blocks go back to the allocator first.
void trim(BlockPool& bp, size_t keep) {
  while (bp.free_bytes > keep && !bp.free_blocks.empty()) {
    auto last = std::prev(bp.free_blocks.end());
    bp.free_bytes -= last->first;
    std::free(last->second);
    bp.free_blocks.erase(last);
  }
}

void return_block(napi_env, void* data, void* hint) {
  BlockPool& bp = block_pool();
  const size_t cap = reinterpret_cast<size_t>(hint);
  std::lock_guard<std::mutex> lk(bp.m);
  bp.out_bytes -= cap;
  bp.unreturned = 0;
  bp.free_blocks.emplace(cap, data);
  bp.free_bytes += cap;
  trim(bp, kFreeMax);
}

// outputBuffer(bytes) -> an ArrayBuffer of `bytes` whose contents are unspecified, or null (pool off, too many
// blocks out since one came back, no memory, or a runtime without external buffers).
napi_value OutputBuffer(napi_env env, napi_callback_info info) {
  Args args(env, info, "outputBuffer");
  args.no_kernel();
  double d = args.number(0);
  if (args.failed) return nullptr;
  if (!(d > 0) || d > 1e15) return make_null(env);
  const size_t bytes = static_cast<size_t>(d);
  BlockPool& bp = block_pool();
  void* p = nullptr;
  size_t cap = 0;
  {
    std::lock_guard<std::mutex> lk(bp.m);
    if (!bp.enabled) return make_null(env);
    if (bp.unreturned + bytes > kUnreturnedMax) {
      bp.refused++;
      return make_null(env);
    }
    // The smallest free block that fits, if at most a quarter of it goes unused; else a new one, counted now.
    auto it = bp.free_blocks.lower_bound(bytes);
    if (it != bp.free_blocks.end() && it->first - bytes <= it->first / 4) {
      cap = it->first;
      p = it->second;
      bp.free_bytes -= cap;
      bp.free_blocks.erase(it);
      bp.reused++;
    } else {
      cap = (bytes + 4095) & ~size_t(4095);
      bp.allocated++;
    }
    bp.out_bytes += cap;
    bp.unreturned += cap;
  }
  if (!p) p = std::aligned_alloc(64, cap);
  if (!p) {
    std::lock_guard<std::mutex> lk(bp.m);
    bp.out_bytes -= cap;
    bp.unreturned -= cap;
    bp.allocated--;
    return make_null(env);
  }
  napi_value ab;
  if (napi_create_external_arraybuffer(env, p, bytes, return_block, reinterpret_cast<void*>(cap), &ab) != napi_ok) {
    // No external buffers in this runtime (a V8 sandbox): the block goes back, and the pool stays off.
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (pending) {
      napi_value e;
      napi_get_and_clear_last_exception(env, &e);
    }
    return_block(env, p, reinterpret_cast<void*>(cap));
    std::lock_guard<std::mutex> lk(bp.m);
    bp.enabled = false;
    return make_null(env);
  }
  return ab;
}

// bufferPool() -> { enabled, outBytes, freeBytes, unreturnedBytes, reused, allocated, refused }
napi_value BufferPoolInfo(napi_env env, napi_callback_info) {
  BlockPool& bp = block_pool();
  std::lock_guard<std::mutex> lk(bp.m);
  napi_value o;
  napi_create_object(env, &o);
  napi_set_named_property(env, o, "enabled", make_bool(env, bp.enabled));
  napi_set_named_property(env, o, "outBytes", make_number(env, static_cast<double>(bp.out_bytes)));
  napi_set_named_property(env, o, "freeBytes", make_number(env, static_cast<double>(bp.free_bytes)));
  napi_set_named_property(env, o, "unreturnedBytes", make_number(env, static_cast<double>(bp.unreturned)));
  napi_set_named_property(env, o, "reused", make_number(env, bp.reused));
  napi_set_named_property(env, o, "allocated", make_number(env, bp.allocated));
  napi_set_named_property(env, o, "refused", make_number(env, bp.refused));
  return o;
}

// setBufferPool(on) -> whether it is on now. Off, outputBuffer answers null; the free list (at most kFreeMax)
// is kept for when it is on again, and blocks out still come back to it.
napi_value SetBufferPool(napi_env env, napi_callback_info info) {
  Args args(env, info, "setBufferPool");
  args.no_kernel();
  bool on = args.boolean(0);
  if (args.failed) return nullptr;
  BlockPool& bp = block_pool();
  std::lock_guard<std::mutex> lk(bp.m);
  bp.enabled = on;
  return make_bool(env, bp.enabled);
}

}  // namespace

void register_buffer_pool(napi_env env, napi_value exports) {
  export_functions(env, exports, {{"outputBuffer", OutputBuffer}, {"bufferPool", BufferPoolInfo}, {"setBufferPool", SetBufferPool}});
}

}  // namespace dt
