// A stand-in for the npm package nsfwjs, laid out as version 4.4.0 ships its MobileNetV2 (model.json and the
// weight shard as UMD JavaScript modules, Keras 2 weight names, uint8-quantized), holding random weights
// written by deepts: tests of the default style backbone need neither the package nor its real weights.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BatchNormalization, type Model, type Tensor, mobileNetV2, randomUniform, setSeed } from "../../../src/index.js";
import { encodeTfjsModel } from "../../../src/io/tfjs.js";
import { NSFWJS_VERSION } from "../../../src/tasks/style/index.js";

/** A no-top MobileNetV2 with random weights and random batch-norm statistics (so that folding matters). */
export function randomMobileNetV2(shape: [number, number, 3]): Model {
  setSeed(11);
  const m = mobileNetV2({ includeTop: false, inputShape: shape });
  let i = 0;
  for (const l of m.layers)
    if (l instanceof BatchNormalization) {
      const c = l.getWeights()[0].shape[0];
      const u = (lo: number, hi: number): Tensor => randomUniform([c], { minval: lo, maxval: hi, seed: 100 + i++ });
      l.setWeights([u(0.5, 1.5), u(-0.3, 0.3), u(-0.2, 0.2), u(0.5, 2)]);
    }
  return m;
}

/** Writes the stand-in package into `dir` from `source`'s weights (plus one head weight nsfwjs also has). */
export function writeFakeNsfwjs(dir: string, source: Model): void {
  const enc = encodeTfjsModel(source, { quantize: "uint8" });
  const manifest = enc.modelJson.weightsManifest as { paths: string[]; weights: Record<string, unknown>[] }[];
  for (const w of manifest[0].weights) w.name = (w.name as string).replace(/_depthwise\/kernel$/, "_depthwise/depthwise_kernel");
  manifest[0].weights.push({ name: "dense_3/bias", shape: [5], dtype: "float32" });
  const shard = Buffer.concat([...enc.shards.map((s) => s.bytes), Buffer.alloc(20)]);
  manifest[0].paths = ["group1-shard1of1"];
  const folder = join(dir, "dist", "models", "mobilenet_v2");
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "nsfwjs", version: NSFWJS_VERSION }));
  writeFileSync(join(folder, "model.min.js"), `!function(e){module.exports=e()}(function(){return ${JSON.stringify(enc.modelJson)}});\n`);
  writeFileSync(join(folder, "group1-shard1of1.min.js"), `module.exports="${shard.toString("base64")}";\n`);
}
