// Keras 3's Progbar: "12/50 ━━━━━━━━━━━━━━━━━━━━ 2s 40ms/step - accuracy: 0.8000 - loss: 0.3100".
import { toExponentialPy, toFixedPy } from "./pyformat.js";

/** Where progress goes: process.stdout by default. `isTTY` selects the redrawn bar (else one line at the end). */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface ProgbarOptions {
  /** Bar width in characters (default 20). */
  width?: number;
  /** 1: the bar (redrawn on a TTY, printed once at the end otherwise); 2: one line at the end; 0: silent. */
  verbose?: 0 | 1 | 2;
  /** Minimum seconds between redraws (default 0.05). */
  interval?: number;
  /** Names of metrics shown as given; the others are averaged over steps. Default: all shown as given. */
  statelessMetrics?: readonly string[];
  unitName?: string;
  stream?: ProgressStream;
  /** Clock in seconds (for tests). */
  now?: () => number;
}

const BOLD = "\x1b[1m";
const RESET = "\x1b[0m";
const GREEN = "\x1b[32m";
const WHITE = "\x1b[37m";

/** The default stream: process.stdout where there is one. */
export function defaultStream(): ProgressStream {
  const p = (globalThis as { process?: { stdout?: ProgressStream } }).process;
  return p?.stdout ?? { write: (s: string) => console.log(s.replace(/\n$/, "")) };
}

/** Keras' metric value display: 4 decimals, or 4-digit scientific for tiny values. */
function fmtValue(avg: number, useAbs: boolean): string {
  return (useAbs ? Math.abs(avg) : avg) > 1e-3 ? toFixedPy(avg, 4) : toExponentialPy(avg, 4);
}

/** Keras' _format_time: " 40ms/step", " 2s/step", " 350us/step". */
export function formatTimePerUnit(t: number, unit: string): string {
  if (t >= 1 || t === 0) return ` ${toFixedPy(t, 0)}s/${unit}`;
  if (t >= 1e-3) return ` ${toFixedPy(t * 1000, 0)}ms/${unit}`;
  return ` ${toFixedPy(t * 1e6, 0)}us/${unit}`;
}

/**
 * A progress bar with Keras 3's layout. `update(current, values)` after each step; the line is redrawn
 * in place on a TTY and finished with a newline when `current` reaches `target`.
 *
 * @example
 * const bar = new Progbar(50);
 * for (let i = 1; i <= 50; i++) bar.update(i, [["loss", 0.3]]);
 */
export class Progbar {
  target: number | null;
  readonly width: number;
  readonly verbose: 0 | 1 | 2;
  private readonly interval: number;
  private readonly stateless: Set<string>;
  private readonly unitName: string;
  private readonly stream: ProgressStream;
  private readonly now: () => number;
  private readonly dynamic: boolean;
  private values = new Map<string, [number, number]>();
  private seenSoFar = 0;
  private readonly start: number;
  private lastUpdate = 0;
  private timeAfterFirstStep: number | null = null;
  private prevTotalWidth = 0;

  constructor(target: number | null, opts: ProgbarOptions = {}) {
    this.target = target;
    this.width = opts.width ?? 20;
    this.verbose = opts.verbose ?? 1;
    this.interval = opts.interval ?? 0.05;
    this.stateless = new Set(opts.statelessMetrics ?? []);
    this.unitName = opts.unitName ?? "step";
    this.stream = opts.stream ?? defaultStream();
    this.now = opts.now ?? (() => performance.now() / 1000);
    this.dynamic = this.stream.isTTY === true;
    this.start = this.now();
  }

  /** Records step `current` with `values` ([name, value] pairs) and redraws; `finalize` defaults to current >= target. */
  update(current: number, values: readonly (readonly [string, number])[] = [], finalize?: boolean): void {
    const fin = finalize ?? (this.target === null ? false : current >= this.target);
    for (const [k, v] of values) {
      if (!this.stateless.has(k) || fin) this.values.set(k, [v, 1]);
      else {
        const base = Math.max(current - this.seenSoFar, 1);
        const prev = this.values.get(k);
        this.values.set(k, prev ? [prev[0] + v * base, prev[1] + base] : [v * base, base]);
      }
    }
    this.seenSoFar = current;
    const now = this.now();
    const perUnit = this.estimateStepDuration(current, now);
    if (this.verbose === 1) {
      if (now - this.lastUpdate < this.interval && !fin) return;
      this.lastUpdate = now;
      if (!this.dynamic && !fin) return;
      this.stream.write(this.barLine(current, now, perUnit, fin));
    } else if (this.verbose === 2) {
      this.lastUpdate = now;
      if (fin && this.target !== null && this.target > 0) {
        const digits = Math.floor(Math.log10(this.target)) + 1;
        let info = `${String(current).padStart(digits)}/${this.target} - ${toFixedPy(now - this.start, 0)}s -${formatTimePerUnit(perUnit, this.unitName)}`;
        for (const [k, [v, c]] of this.values) info += ` - ${k}: ${fmtValue(v / Math.max(1, c), false)}`;
        this.stream.write(`${info}\n`);
      }
    }
  }

  /** Adds `n` steps. */
  add(n: number, values: readonly (readonly [string, number])[] = []): void {
    this.update(this.seenSoFar + n, values);
  }

  /** The verbose-1 text: escape codes and in-place redraw on a TTY, a plain line otherwise. */
  private barLine(current: number, now: number, perUnit: number, fin: boolean): string {
    const color = this.dynamic;
    const b = (s: string, code: string): string => (color ? `${code}${s}${RESET}` : s);
    let bar: string;
    let visible = 0;
    if (this.target !== null && this.target > 0) {
      const digits = Math.floor(Math.log10(this.target)) + 1;
      const count = `${String(current).padStart(digits)}/${this.target}`;
      const prog = Math.max(0, Math.min(this.width, Math.floor((this.width * current) / this.target)));
      bar = `${b(count, BOLD)} ${prog > 0 ? b("━".repeat(prog), GREEN) : ""}${b("━".repeat(this.width - prog), WHITE)}`;
      visible = count.length + 1 + this.width;
    } else {
      bar = `${String(current).padStart(7)}/Unknown`;
      visible = bar.length;
    }
    let timeText: string;
    if (this.target !== null && this.target > 0 && !fin) {
      const eta = perUnit * (this.target - current);
      timeText =
        eta > 3600
          ? `${Math.floor(eta / 3600)}:${pad2(Math.floor((eta % 3600) / 60))}:${pad2(Math.floor(eta % 60))}`
          : eta > 60
            ? `${Math.floor(eta / 60)}:${pad2(Math.floor(eta % 60))}`
            : `${Math.floor(eta)}s`;
    } else timeText = `${toFixedPy(now - this.start, 0)}s`;
    let info = ` ${b(timeText, BOLD)}${formatTimePerUnit(perUnit, this.unitName)}`;
    let infoVisible = 1 + timeText.length + formatTimePerUnit(perUnit, this.unitName).length;
    for (const [k, [v, c]] of this.values) {
      const item = ` - ${k}: ${fmtValue(v / Math.max(1, c), true)}`;
      info += item;
      infoVisible += item.length;
    }
    const total = visible + infoVisible;
    let msg = color ? `${"\b".repeat(this.prevTotalWidth)}\r${bar}${info}` : `${bar}${info}`;
    if (color && this.prevTotalWidth > total) msg += " ".repeat(this.prevTotalWidth - total);
    if (fin) msg += "\n";
    this.prevTotalWidth = total;
    return msg;
  }

  /** Keras' _estimate_step_duration: the first step (often slow) is left out once there are more. */
  private estimateStepDuration(current: number, now: number): number {
    if (!current) return 0;
    const t = this.timeAfterFirstStep !== null && current > 1 ? (now - this.timeAfterFirstStep) / (current - 1) : (now - this.start) / current;
    if (current === 1) this.timeAfterFirstStep = now;
    return t;
  }
}

function pad2(n: number): string {
  return String(n).padStart(2, "0");
}
