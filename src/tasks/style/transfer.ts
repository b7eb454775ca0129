// The optimisation of neural style transfer as the course's train_step: the generated image starts as the
// content image plus uniform noise, clipped to [0, 1]; each step takes the gradient of
// J = alpha J_content + beta J_style (+ tvWeight TV) through a GradientTape, applies Adam, and clips to [0, 1].
import { GradientTape } from "../../autograd/gradient-tape.js";
import { noGrad } from "../../autograd/tape.js";
import { Variable } from "../../autograd/variable.js";
import type { Model } from "../../models/model.js";
import { add, mul } from "../../ops/arithmetic.js";
import { clip } from "../../ops/math.js";
import { reshape } from "../../ops/reshape.js";
import { Adam } from "../../optimizers/adam.js";
import { randomUniform } from "../../tensor/random.js";
import { fmtShape, shapesEqual } from "../../tensor/shape.js";
import type { Tensor } from "../../tensor/tensor.js";
import { type StyleBackbone, styleFeatureModel } from "./backbone.js";
import { activationGram, computeContentCost, type StyleLayer, styleCostFromGrams, totalCost, totalVariation } from "./costs.js";

export interface StyleTransferOptions {
  backbone: StyleBackbone;
  /** Default: the backbone's (block5_conv4 for VGG19). */
  contentLayer?: string;
  /** Layers and weights of J_style. Default: the backbone's (the course's STYLE_LAYERS for VGG19). */
  styleLayers?: readonly StyleLayer[];
  /** Weight of J_content (default 10). */
  alpha?: number;
  /** Weight of J_style (default 40). */
  beta?: number;
  /** Weight of the total variation of the generated image (default 0). */
  tvWeight?: number;
  /** Adam's learning rate (default 0.01). */
  learningRate?: number;
  /** Half-width of the uniform noise added to the content image at the start (default 0.25). */
  noise?: number;
  /** Seed of that noise. */
  seed?: number;
  /** Start from this image [h, w, 3] in [0, 1] instead of content plus noise. */
  initialImage?: Tensor;
}

/** The costs of one step, measured on the image before that step's update. */
export interface CostRecord {
  /** 1 for the first update. */
  step: number;
  total: number;
  content: number;
  style: number;
  tv: number;
  /** Wall-clock seconds of the step. */
  seconds: number;
}

/** The four costs of an image, as tensors (J, J_content, J_style, total variation). */
export interface Costs {
  total: Tensor;
  content: Tensor;
  style: Tensor;
  tv: Tensor;
}

function asImage(op: string, what: string, t: Tensor): Tensor {
  const s = t.shape;
  if (t.rank === 3 && s[2] === 3) return reshape(t, [1, ...s]);
  if (t.rank === 4 && s[0] === 1 && s[3] === 3) return t;
  throw new RangeError(`${op}: ${what} must be an RGB image [h, w, 3] (or [1, h, w, 3]) with values in [0, 1], got ${fmtShape(s)}`);
}

function finite(op: string, name: string, v: number): number {
  if (typeof v !== "number" || !Number.isFinite(v)) throw new RangeError(`${op}: ${name} must be a finite number, got ${String(v)}`);
  return v;
}

/**
 * Neural style transfer, one Adam step at a time.
 *
 * @example
 * const st = new StyleTransfer(content01, style01, { backbone: vgg19Backbone({ weights: "vgg19_..._notop.h5" }) });
 * for (let i = 0; i < 100; i++) console.log(st.step().total);
 * const out = st.image; // [h, w, 3] in [0, 1]
 */
export class StyleTransfer {
  readonly backbone: StyleBackbone;
  readonly contentLayer: string;
  readonly styleLayers: readonly StyleLayer[];
  readonly alpha: number;
  readonly beta: number;
  readonly tvWeight: number;
  /** The generated image [1, h, w, 3], the only variable optimised. */
  readonly generated: Variable;
  readonly optimizer: Adam;
  /** The costs of every step so far. */
  readonly history: CostRecord[] = [];
  private readonly features: Model;
  private readonly contentTarget: Tensor;
  private readonly styleGrams: Tensor[];

  constructor(content: Tensor, style: Tensor, opts: StyleTransferOptions) {
    const op = "StyleTransfer";
    if (!opts || !opts.backbone) throw new TypeError(`${op}: give a backbone (vgg19Backbone({ weights }) or styleBackbone({ model, ... }))`);
    const c = asImage(op, "the content image", content);
    const s = asImage(op, "the style image", style);
    if (!shapesEqual(c.shape, s.shape))
      throw new RangeError(`${op}: the content image ${fmtShape(c.shape)} and the style image ${fmtShape(s.shape)} must have the same size (resize them alike, as the course does)`);
    this.backbone = opts.backbone;
    this.contentLayer = opts.contentLayer ?? opts.backbone.contentLayer;
    this.styleLayers = opts.styleLayers ?? opts.backbone.styleLayers;
    if (this.styleLayers.length === 0) throw new RangeError(`${op}: give at least one style layer`);
    this.alpha = finite(op, "alpha", opts.alpha ?? 10);
    this.beta = finite(op, "beta", opts.beta ?? 40);
    this.tvWeight = finite(op, "tvWeight", opts.tvWeight ?? 0);
    const lr = finite(op, "learningRate", opts.learningRate ?? 0.01);
    const noise = finite(op, "noise", opts.noise ?? 0.25);
    this.features = styleFeatureModel(this.backbone, [...this.styleLayers.map((l) => l[0]), this.contentLayer]);
    // The targets are constants: a_C of the content layer and the Gram matrices of the style image.
    this.contentTarget = noGrad(() => this.activations(c)[this.styleLayers.length]);
    this.styleGrams = noGrad(() => this.activations(s).slice(0, this.styleLayers.length).map((a) => activationGram(a)));
    let g0: Tensor;
    if (opts.initialImage !== undefined) {
      g0 = asImage(op, "initialImage", opts.initialImage);
      if (!shapesEqual(g0.shape, c.shape)) throw new RangeError(`${op}: initialImage ${fmtShape(g0.shape)} must have the content image's shape ${fmtShape(c.shape)}`);
    } else {
      g0 = clip(add(c, randomUniform(c.shape, { minval: -noise, maxval: noise, seed: opts.seed })), 0, 1);
    }
    this.generated = new Variable(g0, { name: "generated_image" });
    this.optimizer = new Adam({ learningRate: lr });
  }

  /** The backbone's activations of an image [1, h, w, 3]: the style layers', then the content layer's. */
  private activations(image: Tensor): Tensor[] {
    const out = this.features.call(this.backbone.preprocess(image));
    return Array.isArray(out) ? out : [out];
  }

  /** J and its parts for an image [1, h, w, 3] (or [h, w, 3]) in [0, 1]; differentiable with respect to it. */
  costs(image: Tensor): Costs {
    const g = asImage("StyleTransfer.costs", "the image", image);
    const acts = this.activations(g);
    const n = this.styleLayers.length;
    const content = computeContentCost(this.contentTarget, acts[n]);
    const style = styleCostFromGrams(this.styleGrams, acts.slice(0, n), this.styleLayers);
    const tv = totalVariation(reshape(g, g.shape.slice(1)));
    let total = totalCost(content, style, this.alpha, this.beta);
    if (this.tvWeight !== 0) total = add(total, mul(tv, this.tvWeight));
    return { total, content, style, tv };
  }

  /** One Adam step on the generated image, then the clip to [0, 1]; returns the costs before the update. */
  step(): CostRecord {
    const t0 = performance.now();
    const tape = new GradientTape({ watchAccessedVariables: false });
    tape.watch(this.generated);
    const c = tape.run(() => this.costs(this.generated.value));
    const [grad] = tape.gradient(c.total, [this.generated]);
    this.optimizer.applyGradients([[grad, this.generated]]);
    this.generated.assign(clip(this.generated.value, 0, 1));
    const rec: CostRecord = {
      step: this.history.length + 1,
      total: c.total.item(),
      content: c.content.item(),
      style: c.style.item(),
      tv: c.tv.item(),
      seconds: (performance.now() - t0) / 1000,
    };
    this.history.push(rec);
    return rec;
  }

  /** The generated image [h, w, 3] in [0, 1]. */
  get image(): Tensor {
    const g = this.generated.value;
    return reshape(g, g.shape.slice(1));
  }
}
