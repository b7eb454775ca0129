// The course's FaceNet (src/applications/facenet.ts faceRecoModel) with the user's weights, in the forms a
// learner has them: a Keras file of the model (.h5 whole model or weights, .keras, .weights.h5), or the
// course's folder of per-layer CSV files read by fr_utils.load_weights_from_FaceNet (weights/conv1_w.csv ...,
// exported from OpenFace's nn4.small2 Torch model).
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { faceRecoModel } from "../../applications/facenet.js";
import { loadWeights } from "../../io/model-io.js";
import type { Layer } from "../../layers/layer.js";
import type { Model } from "../../models/model.js";
import { Tensor } from "../../tensor/tensor.js";

/** Side of the square face image the course's FaceNet takes (channels first: [n, 3, 96, 96]). */
export const FACENET_INPUT_SIZE = 96;

/** The course's verification threshold for its FaceNet encodings (verify and who_is_it: dist < 0.7). */
export const FACENET_COURSE_THRESHOLD = 0.7;

/** The layers with weights of faceRecoModel: its Conv2D, BatchNormalization and Dense layers, by name. */
function weightedLayers(model: Model): Layer[] {
  return model.layers.filter((l) => l.weights.length > 0);
}

/** True when `dir` looks like the course's CSV weights folder (it holds conv1_w.csv). */
export function isFaceNetCsvFolder(dir: string): boolean {
  return existsSync(join(dir, "conv1_w.csv"));
}

function readCsvNumbers(path: string, expected: number, what: string): Float32Array {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(`${path}: cannot read the ${what} (${code === "ENOENT" ? "no such file" : (code ?? (e as Error).message)})`);
  }
  const out = new Float32Array(expected);
  let n = 0;
  // numpy.genfromtxt(delimiter=","): numbers separated by commas, rows by newlines, read in row-major order.
  for (const tok of text.split(/[,\s]+/)) {
    if (tok === "") continue;
    const v = Number(tok);
    if (!Number.isFinite(v)) throw new Error(`${path}: "${tok.slice(0, 20)}" is not a number (value ${n + 1} of the ${what})`);
    if (n === expected) throw new Error(`${path}: more than the ${expected} values of the ${what}`);
    out[n++] = v;
  }
  if (n !== expected) throw new Error(`${path}: ${n} values, but the ${what} has ${expected}`);
  return out;
}

/** [out, in, kh, kw] (Torch) row-major values -> [kh, kw, in, out] (Keras), as the course's np.transpose(w, (2, 3, 1, 0)). */
function torchToKerasKernel(v: Float32Array, [kh, kw, cin, cout]: readonly number[]): Float32Array {
  const out = new Float32Array(v.length);
  for (let o = 0; o < cout; o++)
    for (let i = 0; i < cin; i++)
      for (let y = 0; y < kh; y++)
        for (let x = 0; x < kw; x++) out[((y * kw + x) * cin + i) * cout + o] = v[((o * cin + i) * kh + y) * kw + x];
  return out;
}

/**
 * The weights of every faceRecoModel layer from the course's CSV folder, checked (every file present and of
 * the right size) before any is assigned: conv `<layer>_w.csv` [out, in, kh, kw] and `<layer>_b.csv`;
 * batch norm `<layer>_w/_b/_m/_v.csv` (gamma, beta, moving mean, moving variance); the Dense layer
 * `dense_w.csv` [128, 736] and `dense_b.csv`.
 */
export function readFaceNetCsvWeights(dir: string, model: Model): Map<string, Tensor[]> {
  const out = new Map<string, Tensor[]>();
  for (const layer of weightedLayers(model)) {
    const shapes = layer.weights.map((w) => w.shape);
    const file = (suffix: string): string => join(dir, `${layer.name === "dense_layer" ? "dense" : layer.name}_${suffix}.csv`);
    const vec = (suffix: string, n: number, what: string): Tensor => new Tensor(readCsvNumbers(file(suffix), n, what), [n], "float32");
    if (layer.className === "Conv2D") {
      const k = shapes[0];
      const cout = k[3];
      const raw = readCsvNumbers(file("w"), k[0] * k[1] * k[2] * cout, `kernel of ${layer.name} [${cout}, ${k[2]}, ${k[0]}, ${k[1]}]`);
      out.set(layer.name, [new Tensor(torchToKerasKernel(raw, k), [...k], "float32"), vec("b", cout, `bias of ${layer.name}`)]);
    } else if (layer.className === "BatchNormalization") {
      const c = shapes[0][0];
      out.set(layer.name, (["w", "b", "m", "v"] as const).map((s, i) => vec(s, c, `${["gamma", "beta", "moving mean", "moving variance"][i]} of ${layer.name}`)));
    } else if (layer.className === "Dense") {
      const [din, units] = shapes[0];
      const raw = readCsvNumbers(file("w"), din * units, `kernel of ${layer.name} [${units}, ${din}]`);
      const kernel = new Float32Array(raw.length);
      for (let u = 0; u < units; u++) for (let i = 0; i < din; i++) kernel[i * units + u] = raw[u * din + i];
      out.set(layer.name, [new Tensor(kernel, [din, units], "float32"), vec("b", units, `bias of ${layer.name}`)]);
    } else throw new Error(`readFaceNetCsvWeights: unexpected layer ${layer.name} (${layer.className}) with weights`);
  }
  return out;
}

/**
 * The course's FaceNet with the weights in `path`: a Keras file (.h5 / .hdf5 of the whole model or its
 * weights, matched by layer name; .keras; .weights.h5) or a folder of the course's CSV files.
 *
 * @example
 * const model = await loadCourseFaceNet("weights");          // fr_utils.load_weights_from_FaceNet's folder
 * const model2 = await loadCourseFaceNet("facenet.h5");      // FRmodel.save("facenet.h5") in the notebook
 */
export async function loadCourseFaceNet(path: string): Promise<Model> {
  const model = faceRecoModel();
  if (existsSync(path) && statSync(path).isDirectory()) {
    if (!isFaceNetCsvFolder(path)) {
      const some = readdirSync(path).slice(0, 5).join(", ");
      throw new Error(`${path}: not the course's FaceNet CSV weights folder (no conv1_w.csv; it holds ${some || "nothing"})`);
    }
    const weights = readFaceNetCsvWeights(path, model);
    for (const [name, values] of weights) model.getLayer(name).setWeights(values);
    return model;
  }
  const p = path.toLowerCase();
  // Legacy .h5 by layer name: the course's unnamed layers (activation_12, ...) hold no weights, and its named
  // ones (conv1, bn1, inception_3a_..., dense_layer) are the same here, whatever Keras numbered the rest.
  await loadWeights(model, path, p.endsWith(".h5") && !p.endsWith(".weights.h5") || p.endsWith(".hdf5") ? { match: "name" } : {});
  return model;
}

/**
 * The id recorded with the course FaceNet's descriptors: a SHA-256 of its weights (names, shapes, float32
 * values), so the same weights read from a .h5 file or from the CSV folder get the same id.
 */
export function faceNetModelId(model: Model): string {
  const h = createHash("sha256");
  for (const layer of weightedLayers(model))
    for (const w of layer.weights) {
      h.update(`${layer.name}/${w.name}:${w.shape.join("x")};`);
      const v = w.value.values;
      const f = v instanceof Float32Array ? v : Float32Array.from(v as ArrayLike<number>);
      h.update(new Uint8Array(f.buffer, f.byteOffset, f.byteLength));
    }
  return `course.facenet.faceRecoModel/sha256:${h.digest("hex").slice(0, 12)}`;
}
