// Small statistics and number formatting for the tables.

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function min(xs: readonly number[]): number {
  return xs.length === 0 ? NaN : Math.min(...xs);
}

/** How many times slower than the baseline (> 1: slower, < 1: faster). */
export function ratio(ms: number, baselineMs: number): number {
  return ms > 0 && baselineMs > 0 ? ms / baselineMs : NaN;
}

export function gflops(flops: number, ms: number): number {
  return flops / (ms * 1e6);
}

/** Milliseconds with three significant digits (0.123, 12.3, 1234). */
export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return "–";
  if (ms >= 100) return ms.toFixed(0);
  return ms.toPrecision(3);
}

export function fmtRatio(r: number): string {
  if (!Number.isFinite(r)) return "–";
  return r >= 10 ? `${r.toFixed(0)}×` : `${r.toFixed(2)}×`;
}

export function fmtGflops(g: number): string {
  return Number.isFinite(g) ? (g >= 10 ? g.toFixed(0) : g.toFixed(1)) : "–";
}

export function fmtMiB(bytes: number | undefined): string {
  return bytes === undefined || !Number.isFinite(bytes) ? "–" : (bytes / 2 ** 20).toFixed(0);
}
