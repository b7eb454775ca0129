// Output buffers of native kernels that write every element. A fresh Float32Array is calloc'd: for a large
// tensor that is a full extra pass (the allocator zeroes reused heap memory) before the kernel overwrites it.
// Large ones come from the addon's recycled blocks (native/buffer_pool.cc): V8's own allocation of a large
// array buffer runs a scavenge inside it once 32 MB of young array buffers exist.
import { Buffer } from "node:buffer";
import { nativeAddon } from "./index.js";

/** Below this many bytes the zeroing is cheap next to the call, and V8's small-array path is kept. */
const UNINITIALIZED_MIN_BYTES = 1 << 20;

/**
 * A Float32Array of n elements whose contents are unspecified (not zeroed) when large: only for outputs
 * the kernel overwrites entirely, whatever its arguments.
 */
export function outputFloat32(n: number): Float32Array {
  if (n * 4 < UNINITIALIZED_MIN_BYTES) return new Float32Array(n);
  const recycled = nativeAddon()?.outputBuffer?.(n * 4);
  if (recycled) return new Float32Array(recycled, 0, n);
  // allocUnsafeSlow: an unpooled buffer of its own (offset 0, exactly n * 4 bytes) from malloc, not calloc.
  return new Float32Array(Buffer.allocUnsafeSlow(n * 4).buffer, 0, n);
}
