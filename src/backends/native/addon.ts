import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The functions the compiled addon (native/*.cc, built to build/Release/deepts.node) exports. */
export interface Addon {
  /** mallocReuse: whether glibc keeps freed tensor buffers mapped for reuse (native/memory.cc). */
  /**
   * poolJobs: parallel jobs run so far; poolHelped: slices of them a helper thread ran (native/threadpool.cc);
   * winogradCalls: convolutions computed by Winograd F(2x2, 3x3) so far (native/winograd.cc).
   */
  info(): { isa: string; isas: string[]; threads: number; mallocReuse: boolean; poolJobs: number; poolHelped: number; winogradCalls: number };
  /** Turns that reuse on or off; returns whether it is now on (always false off glibc). */
  setMallocReuse(on: boolean): boolean;
  /**
   * Storage for a large output from the addon's recycled blocks (native/buffer_pool.cc), contents unspecified;
   * null when the pool is off or has handed out 256 MiB since a block last came back (a loop that never yields).
   */
  outputBuffer?(bytes: number): ArrayBuffer | null;
  bufferPool?(): { enabled: boolean; outBytes: number; freeBytes: number; unreturnedBytes: number; reused: number; allocated: number; refused: number };
  setBufferPool?(on: boolean): boolean;
  /** Selects an instruction set the CPU supports (for tests); false when it does not. */
  setIsa(name: string): boolean;
  setNumThreads(n: number): number;
  /** Keeps the pool's helper threads spinning between jobs while on (native/threadpool.cc). */
  holdThreads(on: boolean): void;
  /** Kernel call recording (native/recorded.cc; see KernelRecorder). */
  recordStart(): boolean;
  recordFinish(inputs: Float32Array[], outputs: Float32Array[]): object | null;
  recordAbort(): void;
  replayRecorded(recording: object, inputs: Float32Array[], outputs: Float32Array[]): void;
  matmul(
    a: Float32Array, b: Float32Array, out: Float32Array, m: number, n: number, k: number,
    transposeA: boolean, transposeB: boolean, aIndex: Int32Array | null, bIndex: Int32Array | null,
  ): void;
  /**
   * copyBox(x, y, xShape, yShape, xStart, yStart, size, fill | null): the box [xStart, xStart + size) of x into
   * [yStart, yStart + size) of y, after filling y with `fill` (native/copy_box.cc): constant pad and slice.
   */
  copyBox(
    x: Float32Array, y: Float32Array, xShape: Int32Array, yShape: Int32Array, xStart: Int32Array, yStart: Int32Array, size: Int32Array,
    fill: number | null,
  ): void;
  [kernel: string]: unknown;
}

/** Where the addon is looked for: DEEPTS_NATIVE_PATH, else build/Release under the package root. */
export function addonPath(): string | null {
  const override = process.env.DEEPTS_NATIVE_PATH;
  if (override) return override;
  // The package root is the first ancestor with a package.json (src/ in development, dist/src/ once built).
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, "package.json"))) {
      const p = join(dir, "build", "Release", "deepts.node");
      return existsSync(p) ? p : null;
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return null;
}

/** Loads the addon, or returns the reason it could not be loaded. */
export function loadAddon(): { addon: Addon } | { error: string } {
  const path = addonPath();
  if (path === null) return { error: "addon not built (run `npm run build:native`)" };
  try {
    const require = createRequire(import.meta.url);
    return { addon: require(path) as Addon };
  } catch (e) {
    return { error: `cannot load ${path}: ${(e as Error).message.split("\n")[0]}` };
  }
}
