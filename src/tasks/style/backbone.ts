// The networks whose activations define content and style: VGG19 from a Keras weights file (the course's
// choice), any functional model with named layers (tests use a tiny VGG-like one), and the default offline
// backbone (the pretrained MobileNetV2 shipped in the npm package nsfwjs, see mobilenet.ts).
import { existsSync } from "node:fs";
import { basename } from "node:path";
import { vgg19 } from "../../applications/vgg.js";
import { loadWeights } from "../../io/model-io.js";
import { preprocessInput } from "../../applications/imagenet.js";
import { Model } from "../../models/model.js";
import type { SymbolicTensor } from "../../models/symbolic.js";
import { mul } from "../../ops/arithmetic.js";
import type { Tensor } from "../../tensor/tensor.js";
import { CONTENT_LAYER, STYLE_LAYERS, type StyleLayer } from "./costs.js";
import { NSFWJS_VERSION, foldMobileNetV2, nsfwjsMobileNetV2 } from "./mobilenet.js";

/** How a backbone turns the generated image (RGB in [0, 1], [1, h, w, 3]) into its input. */
export type BackboneInput = (image01: Tensor) => Tensor;

/** A network for style transfer: its layers by name, its input transform, and default layers. */
export interface StyleBackbone {
  /** A short description for logs and cost files, e.g. "vgg19 (vgg19_..._notop.h5)". */
  readonly name: string;
  /** A functional model from the image input; its layers are looked up by name. */
  readonly model: Model;
  readonly preprocess: BackboneInput;
  readonly contentLayer: string;
  readonly styleLayers: readonly StyleLayer[];
}

/**
 * VGG19's input as the course feeds it: the [0, 1] image unchanged ("course"), or Keras'
 * vgg19.preprocess_input of the 0..255 image ("caffe": BGR minus the ImageNet mean), which the
 * pretrained weights were trained with.
 */
export type VggPreprocess = "course" | "caffe";

export interface Vgg19BackboneOptions {
  /** Path of Keras' `vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5`, or null for random weights (timing and tests only). */
  weights: string | null;
  /** Default "course". */
  preprocess?: VggPreprocess;
}

/** A backbone from any functional model (its input an RGB image batch), with explicit default layers. */
export function styleBackbone(args: {
  model: Model;
  contentLayer: string;
  styleLayers: readonly StyleLayer[];
  preprocess?: BackboneInput;
  name?: string;
}): StyleBackbone {
  if (!(args.model instanceof Model) || args.model.getGraph() === null)
    throw new TypeError("styleBackbone: model must be a functional Model (built from Input() and layer calls)");
  const b: StyleBackbone = {
    name: args.name ?? args.model.name,
    model: args.model,
    preprocess: args.preprocess ?? ((x) => x),
    contentLayer: args.contentLayer,
    styleLayers: args.styleLayers,
  };
  styleFeatureModel(b, [b.contentLayer, ...b.styleLayers.map((l) => l[0])]); // checks the names now
  return b;
}

/**
 * VGG19 without its top, as the course uses it: style layers block1_conv1..block5_conv1 (0.2 each),
 * content layer block5_conv4, weights from the Keras file the user downloaded.
 *
 * @example
 * const b = await vgg19Backbone({ weights: "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5" });
 */
export async function vgg19Backbone(opts: Vgg19BackboneOptions): Promise<StyleBackbone> {
  const { weights } = opts;
  if (weights !== null && !existsSync(weights))
    throw new Error(`vgg19Backbone: no weights file at ${JSON.stringify(weights)}; download vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5 (Keras) and pass its path`);
  const mode = opts.preprocess ?? "course";
  if (mode !== "course" && mode !== "caffe") throw new RangeError(`vgg19Backbone: preprocess must be "course" or "caffe", got ${JSON.stringify(mode)}`);
  const model = vgg19({ includeTop: false, inputShape: [null, null, 3] });
  if (weights !== null) await loadWeights(model, weights);
  const preprocess: BackboneInput = mode === "course" ? (x) => x : (x) => preprocessInput(mul(x, 255), { mode: "caffe" });
  const file = weights === null ? "random weights" : basename(weights);
  return styleBackbone({ model, contentLayer: CONTENT_LAYER, styleLayers: STYLE_LAYERS, preprocess, name: `vgg19 (${file}, ${mode} input)` });
}

/**
 * The default style layers of MobileNetV2, VGG19's choice transposed: the first activation at each scale
 * (strides 2, 2, 4, 8 and 16), each weighted 0.2.
 */
export const MOBILENET_STYLE_LAYERS: readonly StyleLayer[] = Object.freeze([
  ["Conv1_relu", 0.2], ["block_1_expand_relu", 0.2], ["block_3_expand_relu", 0.2], ["block_6_expand_relu", 0.2], ["block_13_expand_relu", 0.2],
] as const);

/** The default content layer of MobileNetV2: the deepest of the style layers' scales (stride 16), as block5_conv4 is VGG19's. */
export const MOBILENET_CONTENT_LAYER = "block_13_expand_relu";

/**
 * The default offline backbone: the pretrained MobileNetV2 shipped in the npm package nsfwjs, built for
 * images of `size` = [height, width] (its stride-2 paddings depend on it), batch norms folded.
 * Its input is the [0, 1] image, as nsfwjs feeds it.
 */
export async function mobileNetV2Backbone(opts: { size: readonly [number, number]; nsfwjsDir?: string }): Promise<StyleBackbone> {
  const [h, w] = opts.size;
  if (!(Number.isInteger(h) && Number.isInteger(w) && h >= 32 && w >= 32))
    throw new RangeError(`mobileNetV2Backbone: the image must be at least 32x32 pixels (MobileNetV2 halves it 5 times), got ${w}x${h}`);
  const model = foldMobileNetV2(nsfwjsMobileNetV2([h, w, 3], opts.nsfwjsDir));
  return styleBackbone({ model, contentLayer: MOBILENET_CONTENT_LAYER, styleLayers: MOBILENET_STYLE_LAYERS, name: `mobilenetv2 (nsfwjs ${NSFWJS_VERSION} weights)` });
}

/** The backbone used when no VGG19 weights are given: mobileNetV2Backbone, which works offline. */
export async function defaultStyleBackbone(size: readonly [number, number]): Promise<StyleBackbone> {
  return mobileNetV2Backbone({ size });
}

/** A model from the backbone's input to the outputs of `layers`, in that order. */
export function styleFeatureModel(b: StyleBackbone, layers: readonly string[]): Model {
  const outputs = layers.map((name) => {
    let layer;
    try {
      layer = b.model.getLayer(name);
    } catch {
      const conv = b.model.layers.map((l) => l.name).filter((n) => !n.startsWith("input"));
      throw new Error(`style transfer: the backbone ${b.name} has no layer "${name}"; its layers: ${conv.join(", ")}`);
    }
    return layer.output as SymbolicTensor;
  });
  return new Model({ inputs: b.model.input as SymbolicTensor, outputs, name: `${b.model.name}_features` });
}
