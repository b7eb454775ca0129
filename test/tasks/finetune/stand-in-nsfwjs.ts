// A stand-in for the npm package nsfwjs: the same file layout (UMD bundles of a TF.js model.json object and
// a base64 weight shard, uint8-quantized, Keras 2 weight names, a head), holding deepts' MobileNetV2 with
// random weights. Lets tests run the code paths of the pretrained backbone without the real package.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Model, encodeTfjsModel, mobileNetV2 } from "../../../src/index.js";

/** Writes `value` as nsfwjs' bundles do: a UMD wrapper whose module.exports is the value. */
export function umd(value: unknown, global: string): string {
  return (
    `!function(e){if("object"==typeof exports&&"undefined"!=typeof module)module.exports=e();else if("function"==typeof define&&define.amd)define([],e);` +
    `else{("undefined"!=typeof window?window:"undefined"!=typeof global?global:"undefined"!=typeof self?self:this).${global}=e()}}` +
    `(function(){return ${JSON.stringify(value)}});`
  );
}

/** Writes a stand-in nsfwjs package into a new temporary folder; returns the folder and the source model. */
export function writeStandInNsfwjs(): { dir: string; source: Model } {
  const dir = mkdtempSync(join(tmpdir(), "deepts-nsfwjs-"));
  const source = mobileNetV2({ alpha: 1, includeTop: false, inputShape: [64, 64, 3] });
  const enc = encodeTfjsModel(source, { quantize: "uint8" });
  const group = (enc.modelJson.weightsManifest as { paths: string[]; weights: { name: string; shape: number[]; dtype?: string }[] }[])[0];
  for (const w of group.weights) w.name = w.name.replace(/_depthwise\/kernel$/, "_depthwise/depthwise_kernel");
  group.weights.push({ name: "dense_3/bias", shape: [5], dtype: "float32" });
  const shard = Buffer.concat([...enc.shards.map((s) => Buffer.from(s.bytes)), Buffer.from(new Float32Array([1, 2, 3, 4, 5]).buffer)]);
  group.paths = ["group1-shard1of1"];
  const folder = join(dir, "dist", "models", "mobilenet_v2");
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, "model.min.js"), umd({ modelTopology: enc.modelJson.modelTopology, weightsManifest: enc.modelJson.weightsManifest }, "model"));
  writeFileSync(join(folder, "group1-shard1of1.min.js"), umd(shard.toString("base64"), "group1_shard1of1"));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "nsfwjs", version: "4.4.0" }));
  return { dir, source };
}
