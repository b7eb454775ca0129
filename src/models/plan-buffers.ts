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
  /** Free storage, whole arrays; the most recently given last. */
  private free: TypedArray[] = [];
  /** The whole array behind each view handed out by take, to give back whole. */
  private readonly lent = new WeakMap<TypedArray, TypedArray>();
  /** The run in which each free array was last taken or given: what the next runs of the same shapes need again. */
  private readonly usedIn = new WeakMap<TypedArray, number>();
  private run = 0;

  /**
   * Storage for `size` elements of `dtype` (a view of the first `size` elements of a free array), or undefined
   * (then the kernel allocates). The smallest free array that fits, the most recently freed among equals, up to
   * twice the size (a small activation does not take the storage a large one will need next): sizes need not
   * match, so a run keeps about as much storage as it has activations alive at once, and the storage a layer
   * writes is often the one a layer just finished reading, still in cache (exact sizes only: twice the storage,
   * and the expand layer of MobileNetV2 writing its 4.8 MB output 1.6x slower out of cache).
   */
  take(dtype: "float32" | "float64", size: number): TypedArray | undefined {
    let best = -1;
    for (let i = this.free.length - 1; i >= 0; i--) {
      const b = this.free[i];
      if (b.length < size || b.length > 2 * size || (dtype === "float32" ? !(b instanceof Float32Array) : !(b instanceof Float64Array))) continue;
      if (best < 0 || b.length < this.free[best].length) best = i;
    }
    if (best < 0) return undefined;
    const whole = this.free[best];
    this.free.splice(best, 1);
    recycleStats.reused++;
    if (whole.length === size) return whole;
    const view = whole.subarray(0, size);
    this.lent.set(view, whole);
    return view;
  }

  /** Gives back storage that nothing will read again (a view from take gives back its whole array). */
  give(b: TypedArray): void {
    if (!(b instanceof Float32Array || b instanceof Float64Array)) return;
    const whole = this.lent.get(b) ?? b;
    this.usedIn.set(whole, this.run);
    this.free.push(whole);
  }

  /**
   * Ends a run: keeps the free storage this run or the one before used, up to KEEP_BYTES, and lets the rest go
   * to the GC. (Two runs: which array serves which layer can shift from run to run, leaving one idle for a run.)
   */
  endRun(): void {
    let bytes = 0;
    // Largest first: the storage a later, smaller request can also take.
    const kept = new Set(
      this.free
        .filter((b) => (this.usedIn.get(b) ?? -1) >= this.run - 1)
        .sort((x, y) => y.byteLength - x.byteLength)
        .filter((b) => {
          if (bytes + b.byteLength > KEEP_BYTES) return false;
          bytes += b.byteLength;
          return true;
        }),
    );
    // In the order they were given (the most recent last), for take's tie-break.
    this.free = this.free.filter((b) => kept.has(b));
    this.run++;
  }

  /** Lets go of all free storage (a recording of the plan owns it from now on). */
  forget(): void {
    this.free = [];
  }

  /** Bytes of free storage held now. */
  get heldBytes(): number {
    let n = 0;
    for (const b of this.free) n += b.byteLength;
    return n;
  }
}
