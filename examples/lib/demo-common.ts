// What the demo's stages share: options, logging, progress streams, halving images, timing.
import { type ProgressStream, Tensor, avgPool2d, reshape } from "../../src/index.js";

export interface StageContext {
  fast: boolean;
  /** Absolute path of the output folder (exists). */
  outDir: string;
  log: (line: string) => void;
  /** Where progress bars go: the terminal, or complete lines to `log` when output is collected. */
  progress: ProgressStream;
  /** True when the bars are drawn on a terminal. */
  tty: boolean;
}

/** A ProgressStream that hands complete lines to `log` (for callers that collect output). */
export function lineStream(log: (line: string) => void): ProgressStream {
  let pending = "";
  return {
    isTTY: false,
    write(s: string) {
      pending += s;
      let i: number;
      while ((i = pending.indexOf("\n")) >= 0) {
        log(pending.slice(0, i));
        pending = pending.slice(i + 1);
      }
    },
  };
}

/** An image [h, w, c] shrunk by 2x2 averages until its longer side is at most `maxSide`; returns it and the factor. */
export function shrinkTo(image: Tensor, maxSide: number): { image: Tensor; scale: number } {
  let x = image;
  let scale = 1;
  while (Math.max(x.shape[0], x.shape[1]) > maxSide && Math.min(x.shape[0], x.shape[1]) >= 4) {
    const [h, w, c] = x.shape;
    x = reshape(avgPool2d(reshape(x, [1, h, w, c]), { poolSize: 2 }), [Math.floor(h / 2), Math.floor(w / 2), c]);
    scale /= 2;
  }
  return { image: x, scale };
}

/** Seconds since `t0` (a performance.now() reading). */
export function since(t0: number): number {
  return (performance.now() - t0) / 1000;
}

/** "12.3 s" */
export function secs(s: number): string {
  return `${s.toFixed(1)} s`;
}
