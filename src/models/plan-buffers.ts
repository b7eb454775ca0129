// Storage of dead activations for the inference plan. A batch-1 predict of MobileNetV2 allocates about a
// hundred fresh arrays; each one V8 callocs and counts as external memory, which triggers a scavenge or a
// mark-compact every predict or two (3-10 ms of a 15 ms predict). The plan knows when an activation it
// produced has been read for the last time, and hands its storage to the next convolution of that size.
import type { TypedArray } from "../tensor/dtype.js";

/** Switch for A/B measurements (bench/profile): false makes every run allocate fresh storage. */
export const recycleActivations = { enabled: true };

/** How many arrays came from a pool instead of the allocator, in this process (tests read it). */
export const recycleStats = { reused: 0 };

/** Free storage kept between runs, at most this many bytes (what a batch-1 predict of the zoo's nets needs). */
const KEEP_BYTES = 64 << 20;

export class ActivationPool {
  private readonly free = new Map<string, TypedArray[]>();
  /** Storage handed out during the current run, by key: what the next run of the same shapes will ask for again. */
  private readonly taken = new Map<string, number>();
  /** Storage for `size` elements of `dtype`, or undefined (then the kernel allocates). */
  take(dtype: "float32" | "float64", size: number): TypedArray | undefined {
    const key = `${dtype}:${size}`;
    this.taken.set(key, (this.taken.get(key) ?? 0) + 1);
    const b = this.free.get(key)?.pop();
    if (b) recycleStats.reused++;
    return b;
  }

  /** Gives back storage that nothing will read again. */
  give(b: TypedArray): void {
    if (!(b instanceof Float32Array || b instanceof Float64Array)) return;
    const key = `${b instanceof Float32Array ? "float32" : "float64"}:${b.length}`;
    const list = this.free.get(key);
    if (list) list.push(b);
    else this.free.set(key, [b]);
  }

  /** Ends a run: keeps the storage the run asked for, up to KEEP_BYTES, and lets the rest go to the GC. */
  endRun(): void {
    let bytes = 0;
    for (const [key, list] of this.free) {
      const want = this.taken.get(key) ?? 0;
      const kept: TypedArray[] = [];
      for (const b of list) {
        if (kept.length >= want || bytes + b.byteLength > KEEP_BYTES) break;
        kept.push(b);
        bytes += b.byteLength;
      }
      if (kept.length) this.free.set(key, kept);
      else this.free.delete(key);
    }
    this.taken.clear();
  }

  /** Bytes of free storage held now. */
  get heldBytes(): number {
    let n = 0;
    for (const list of this.free.values()) for (const b of list) n += b.byteLength;
    return n;
  }
}
