// The style command's run: reads the images, builds the backbone and the StyleTransfer, then steps it with a
// progress display, writing frames, the image and the cost curve. Only deepts' public API is used.
import { writeFileSync } from "node:fs";
import { basename, extname } from "node:path";
import type * as Deepts from "../../src/index.js";
import { UsageError, type OutStream } from "../lib/command.js";

type Dt = typeof Deepts;

export interface StyleRunOptions {
  content: string;
  style: string;
  /** Absolute output path (.png, .jpg, .jpeg or .webp). */
  out: string;
  /** [height, width]; default CONTENT's aspect with the longer side DEFAULT_SIDE. */
  size?: [number, number];
  backbone: "vgg19" | "mobilenetv2";
  /** VGG19 weights file, "random", or null. */
  weights: string | null;
  preprocess: "course" | "caffe";
  steps: number;
  alpha: number;
  beta: number;
  tv: number;
  learningRate: number;
  noise: number;
  seed?: number;
  contentLayer?: string;
  styleLayers?: [string, number][];
  framesEvery?: number;
}

/** The longer side of the default working size (the course works at 400 x 400). */
export const DEFAULT_SIDE = 400;

/** "a:0.5,b:0.5" or "a,b" (equal weights summing to 1) as [name, weight] pairs. */
export function parseStyleLayers(text: string): [string, number][] {
  const items = text.split(",").map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) throw new UsageError(`--style-layers needs at least one layer name, got ${JSON.stringify(text)}`);
  const pairs = items.map((item): [string, number | undefined] => {
    const m = /^([^:\s]+)(?::(.+))?$/.exec(item);
    if (!m) throw new UsageError(`--style-layers: cannot read ${JSON.stringify(item)}; write NAME or NAME:WEIGHT`);
    if (m[2] === undefined) return [m[1], undefined];
    const w = Number(m[2]);
    if (!Number.isFinite(w)) throw new UsageError(`--style-layers: the weight of ${m[1]} must be a number, got ${JSON.stringify(m[2])}`);
    return [m[1], w];
  });
  const given = pairs.filter((p) => p[1] !== undefined).length;
  if (given !== 0 && given !== pairs.length) throw new UsageError("--style-layers: give a weight to every layer or to none");
  return pairs.map(([n, w]) => [n, w ?? 1 / pairs.length]);
}

/** The default size: the content's aspect ratio, longer side `side` pixels. */
export function defaultSize(h: number, w: number, side = DEFAULT_SIDE): [number, number] {
  const s = side / Math.max(h, w);
  return [Math.max(1, Math.round(h * s)), Math.max(1, Math.round(w * s))];
}

export class StyleRun {
  readonly frames: { file: string; step: number }[] = [];

  private constructor(
    private readonly dt: Dt,
    readonly opts: StyleRunOptions,
    readonly transfer: InstanceType<Dt["StyleTransfer"]>,
    readonly size: [number, number],
    readonly seed: number,
  ) {}

  /** Reads and checks everything; nothing is written. */
  static async prepare(dt: Dt, opts: StyleRunOptions): Promise<StyleRun> {
    const seed = opts.seed ?? Math.floor(Math.random() * 2 ** 31);
    // Random VGG19 weights (for timing) come from the same seed, so that a run can be repeated exactly.
    if (opts.weights === "random") dt.setSeed(seed);
    const contentImg = await dt.readImage(opts.content);
    const styleImg = await dt.readImage(opts.style);
    const size = opts.size ?? defaultSize(contentImg.shape[0], contentImg.shape[1]);
    const backbone =
      opts.backbone === "mobilenetv2"
        ? await dt.defaultStyleBackbone(size)
        : await dt.vgg19Backbone({ weights: opts.weights === "random" ? null : opts.weights, preprocess: opts.preprocess });
    const transfer = new dt.StyleTransfer(dt.toUnitRgb(contentImg, size), dt.toUnitRgb(styleImg, size), {
      backbone, contentLayer: opts.contentLayer, styleLayers: opts.styleLayers, alpha: opts.alpha, beta: opts.beta,
      tvWeight: opts.tv, learningRate: opts.learningRate, noise: opts.noise, seed,
    });
    return new StyleRun(dt, opts, transfer, size, seed);
  }

  /** The output path without its extension. */
  get base(): string {
    return this.opts.out.slice(0, this.opts.out.length - extname(this.opts.out).length);
  }

  /** One line that says what will run. */
  describe(): string {
    const t = this.transfer;
    const layers = t.styleLayers.map(([n, w]) => `${n}:${+w.toPrecision(6)}`).join(",");
    return (
      `style transfer ${basename(this.opts.content)} + ${basename(this.opts.style)} -> ${basename(this.opts.out)} at ${this.size[1]}x${this.size[0]}, ` +
      `${t.backbone.name}, content layer ${t.contentLayer}, style layers ${layers}, alpha ${t.alpha}, beta ${t.beta}, tv ${t.tvWeight}, ` +
      `lr ${this.opts.learningRate}, seed ${this.seed}, ${this.opts.steps} step${this.opts.steps === 1 ? "" : "s"}`
    );
  }

  /** Steps to the end (or until `signal` aborts), writing frames, image and costs; returns a summary line. */
  async execute(io: { progress: OutStream | null; signal?: AbortSignal }): Promise<string> {
    const { dt, opts, transfer: st } = this;
    const bar = io.progress?.isTTY ? new dt.Progbar(opts.steps, { stream: io.progress, unitName: "step" }) : null;
    const every = Math.max(1, Math.round(opts.steps / 20));
    for (let i = 1; i <= opts.steps; i++) {
      // Let a pending Ctrl-C (SIGINT) be delivered between the long synchronous steps.
      await new Promise((r) => setImmediate(r));
      if (io.signal?.aborted) break;
      const r = st.step();
      if (bar) bar.update(i, [["cost", r.total], ["content", r.content], ["style", r.style]]);
      else if (io.progress && (i % every === 0 || i === 1 || i === opts.steps))
        io.progress.write(`step ${i}/${opts.steps} - cost: ${fmt(r.total)} - content: ${fmt(r.content)} - style: ${fmt(r.style)} - ${r.seconds.toFixed(2)}s/step\n`);
      if (opts.framesEvery && i % opts.framesEvery === 0) {
        const file = `${this.base}-${String(this.frames.length + 1).padStart(4, "0")}.png`;
        await dt.writeImage(file, dt.fromUnitRgb(st.image));
        this.frames.push({ file: basename(file), step: i });
      }
    }
    await dt.writeImage(opts.out, dt.fromUnitRgb(st.image));
    this.writeCosts();
    const h = st.history;
    const secs = h.reduce((a, r) => a + r.seconds, 0);
    const done = h.length < opts.steps ? `stopped after ${h.length} of ${opts.steps} steps` : `${h.length} step${h.length === 1 ? "" : "s"}`;
    const costs = h.length ? `; cost ${fmt(h[0].total)} -> ${fmt(h[h.length - 1].total)}` : "";
    const frames = this.frames.length ? `; ${this.frames.length} frames ${basename(this.base)}-0001.png...` : "";
    return `wrote ${basename(opts.out)} (${this.size[1]}x${this.size[0]}): ${done} in ${secs.toFixed(1)} s (${(secs / Math.max(1, h.length)).toFixed(2)} s/step)${costs}${frames}; cost curve in ${basename(this.base)}.costs.json and .costs.csv`;
  }

  private writeCosts(): void {
    const st = this.transfer;
    const h = st.history;
    const sorted = h.map((r) => r.seconds).sort((a, b) => a - b);
    const json = {
      content: this.opts.content, style: this.opts.style, output: basename(this.opts.out),
      size: { width: this.size[1], height: this.size[0] }, backbone: st.backbone.name,
      contentLayer: st.contentLayer, styleLayers: st.styleLayers, alpha: st.alpha, beta: st.beta, tvWeight: st.tvWeight,
      learningRate: this.opts.learningRate, noise: this.opts.noise, seed: this.seed, stepsRequested: this.opts.steps,
      stepsDone: h.length, medianSecondsPerStep: sorted.length ? sorted[Math.floor(sorted.length / 2)] : null,
      frames: this.frames, history: h,
    };
    writeFileSync(`${this.base}.costs.json`, JSON.stringify(json, null, 1) + "\n");
    const csv = ["step,total,content,style,tv,seconds", ...h.map((r) => [r.step, r.total, r.content, r.style, r.tv, r.seconds.toFixed(4)].join(","))];
    writeFileSync(`${this.base}.costs.csv`, csv.join("\n") + "\n");
  }
}

function fmt(v: number): string {
  return Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5 ? v.toFixed(4) : v.toExponential(4);
}
