// TF.js layers format: model.json + shards, quantized weights, UMD-wrapped files; errors and fuzzing.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, beforeEach, describe, it } from "node:test";
import {
  BatchNormalization, Conv2D, Dense, DepthwiseConv2D, Flatten, Input, Model, Sequential, type Tensor, clearSession, loadModel, randomNormal, tensor,
} from "../../src/index.js";
import { type TfjsFiles, decodeTfjsModel, decodeTfjsWeights, encodeTfjsModel, writeTfjsFiles } from "../../src/io/tfjs.js";
import { modelJsonFromUmd, readTfjsUmdFiles, shardFromUmd } from "../../src/io/tfjs-umd.js";
import { parseJsLiteral } from "../../src/io/js-literal.js";
import { assertClose } from "../helpers/assert.js";
import { fuzzReader } from "./fuzz.js";

const tmp = mkdtempSync(join(tmpdir(), "deepts-tfjs-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

function smallCnn(): Model {
  const m = new Sequential({
    name: "small",
    layers: [
      Input({ shape: [6, 6, 2] }),
      new Conv2D({ filters: 3, kernelSize: 3, activation: "relu" }),
      new BatchNormalization(),
      new DepthwiseConv2D({ kernelSize: 2 }),
      new Flatten(),
      new Dense({ units: 4, activation: "softmax" }),
    ],
  });
  m.weights.forEach((w, i) => w.assign(w.path.includes("variance") ? randomNormal([...w.shape], { mean: 1.5, stddev: 0.1, seed: i }) : randomNormal([...w.shape], { stddev: 0.5, seed: i })));
  return m;
}

const files = (enc: ReturnType<typeof encodeTfjsModel>): TfjsFiles => ({
  modelJson: JSON.parse(JSON.stringify(enc.modelJson)),
  groups: [Uint8Array.from(enc.shards.flatMap((s) => Array.from(s.bytes)))],
});

describe("TF.js layers format", () => {
  beforeEach(() => clearSession());

  it("round-trips float32 weights exactly, through files with several shards", async () => {
    const m = smallCnn();
    const x = randomNormal([2, 6, 6, 2], { seed: 9 });
    const path = join(tmp, "m", "model.json");
    const { mkdirSync } = await import("node:fs");
    mkdirSync(join(tmp, "m"));
    await writeTfjsFiles(path, encodeTfjsModel(m, { shardBytes: 64 }));
    const json = JSON.parse(readFileSync(path, "utf8"));
    assert.equal(json.format, "layers-model");
    assert.equal(json.modelTopology.model_config.class_name, "Sequential");
    assert.ok(json.weightsManifest[0].paths.length > 3, "several shards");
    assert.deepEqual(json.weightsManifest[0].weights.map((w: { name: string }) => w.name).slice(0, 3), ["conv2d/kernel", "conv2d/bias", "batch_normalization/gamma"]);
    clearSession();
    const back = await loadModel(path);
    assert.deepEqual(back.getWeights().map((w) => Array.from(w.values)), m.getWeights().map((w) => Array.from(w.values)));
    assertClose(back.predict(x) as Tensor, m.predict(x) as Tensor, { atol: 0, rtol: 0 });
  });

  it("quantizes to uint8 / uint16 (value = q * scale + min) and float16 within their precision", () => {
    const m = smallCnn();
    for (const [q, tol] of [["uint8", 1 / 255], ["uint16", 1 / 65535], ["float16", 1e-3]] as const) {
      const enc = encodeTfjsModel(m, { quantize: q });
      const w = enc.modelJson.weightsManifest as { weights: { quantization?: { dtype: string; min?: number; scale?: number } }[] }[];
      assert.equal(w[0].weights[0].quantization?.dtype, q);
      const bytes = enc.shards.reduce((n, s) => n + s.bytes.length, 0);
      assert.equal(bytes, m.countParams() * (q === "uint8" ? 1 : 2), `${q}: bytes per weight`);
      const back = decodeTfjsWeights(files(enc), q);
      for (const [i, wt] of m.weights.entries()) {
        const v = wt.value;
        const range = Math.max(...Array.from(v.values, Number)) - Math.min(...Array.from(v.values, Number));
        const got = [...back.values()][i];
        const atol = q === "float16" ? 0 : (range * tol) / 2 + 1e-7;
        assertClose(got, v, { atol, rtol: q === "float16" ? tol : 0, msg: `${q} ${wt.path}` });
      }
    }
  });

  it("decodes hand-made uint8 and float16 entries exactly", () => {
    const half = new Uint16Array([0x3c00, 0xc000, 0x3555, 0x7bff]); // 1, -2, 0.333251953125, 65504
    const data = new Uint8Array([0, 1, 255, 7, ...new Uint8Array(half.buffer)]);
    const json = {
      format: "layers-model",
      weightsManifest: [{ paths: ["x.bin"], weights: [
        { name: "a", shape: [2, 2], dtype: "float32", quantization: { dtype: "uint8", min: -1, scale: 0.5 } },
        { name: "h", shape: [4], dtype: "float32", quantization: { dtype: "float16" } },
      ] }],
    };
    const w = decodeTfjsWeights({ modelJson: json, groups: [data] }, "hand");
    assert.deepEqual(Array.from(w.get("a")!.values), [-1, -0.5, 126.5, 2.5]);
    assert.deepEqual(Array.from(w.get("h")!.values), [1, -2, 0.333251953125, 65504]);
    const bad = (j: unknown, d: Uint8Array, re: RegExp): void => assert.throws(() => decodeTfjsWeights({ modelJson: j as Record<string, unknown>, groups: [d] }, "bad.json"), re);
    bad(json, data.subarray(0, 9), /bad\.json: truncated weights: weight "h" needs bytes 4\.\.12, the shards of group 1 hold 9/);
    bad(json, new Uint8Array([...data, 0]), /bad\.json: the shards of group 1 hold 13 bytes, the manifest describes 12/);
    bad({ weightsManifest: [{ paths: ["../../etc/passwd"], weights: [] }] }, data, /shard path "\.\.\/\.\.\/etc\/passwd" must be a file name beside model\.json/);
    bad({ weightsManifest: [{ paths: ["x"], weights: [{ name: "s", shape: [1], dtype: "string" }] }] }, data, /weight "s": dtype "string" is not supported/);
    bad({ weightsManifest: [{ paths: ["x"], weights: [{ name: "q", shape: [1], dtype: "float32", quantization: { dtype: "uint8" } }] }] }, data, /weight "q": uint8 quantization needs numeric "scale" and "min"/);
  });

  it("refuses graph models and weight manifests without a topology, naming the file", async () => {
    const p = join(tmp, "graph.json");
    writeFileSync(p, JSON.stringify({ format: "graph-model", modelTopology: { node: [] }, weightsManifest: [] }));
    await assert.rejects(loadModel(p), /graph\.json: model\.json format is "graph-model"; deepts loads "layers-model" files/);
    writeFileSync(p, JSON.stringify([{ paths: [], weights: [] }]));
    await assert.rejects(loadModel(p), /graph\.json: model\.json is not a JSON object/);
    writeFileSync(p, JSON.stringify({ modelTopology: {} }));
    await assert.rejects(loadModel(p), /graph\.json: model\.json has no weightsManifest list/);
    writeFileSync(p, JSON.stringify({ weightsManifest: [{ paths: ["nope.bin"], weights: [] }] }));
    await assert.rejects(loadModel(p), /graph\.json: cannot read weight shard "nope\.bin" \(ENOENT\)/);
  });

  it("reads UMD-wrapped model and shard files without running them", async () => {
    const m = new Sequential({ name: "tiny", layers: [Input({ shape: [3] }), new Dense({ units: 2 })] });
    const enc = encodeTfjsModel(m);
    const json = JSON.stringify(enc.modelJson).replace(/"(\w+)":/g, "$1:").replace(/true/g, "!0").replace(/false/g, "!1");
    const b64 = Buffer.from(enc.shards[0].bytes).toString("base64");
    const wrap = (body: string): string => `!function(e){"object"==typeof exports?module.exports=e():this.m=e()}(function(){return function(){return {1:[function(e,a,n){a.exports=${body}},{}]}}()});`;
    const dir = join(tmp, "umd");
    const { mkdirSync } = await import("node:fs");
    mkdirSync(dir);
    writeFileSync(join(dir, "model.min.js"), wrap(json));
    writeFileSync(join(dir, `${enc.shards[0].name}.min.js`), wrap(JSON.stringify(b64.padEnd(Math.ceil(b64.length / 4) * 4, "="))));
    clearSession();
    const back = decodeTfjsModel(await readTfjsUmdFiles(join(dir, "model.min.js")), "umd");
    assert.deepEqual(back.getWeights().map((w) => Array.from(w.values)), m.getWeights().map((w) => Array.from(w.values)));
    assert.throws(() => modelJsonFromUmd("var x = 1;", "x.js"), /x\.js: no modelTopology object found/);
    assert.throws(() => shardFromUmd('var s = "abc";', "s.js"), /s\.js: no base64 weight data found/);
  });

  it("parses minified JavaScript literals strictly", () => {
    const text = `{a:1,'b':[.5,-2e3,!0,!1,null,void 0],"c":{d:"x\\"y\\u0041"}} rest`;
    const { value, end } = parseJsLiteral(text, 0, "lit");
    assert.deepEqual(value, { a: 1, b: [0.5, -2000, true, false, null, undefined], c: { d: 'x"yA' } });
    assert.equal(text.slice(end), " rest");
    for (const bad of ["{a:}", "{a:1", "[1 2]", "{__proto__:1}", "{a:foo}", '"abc', "{".repeat(300)])
      assert.throws(() => parseJsLiteral(bad, 0, "lit.js"), /lit\.js: /, bad.slice(0, 20));
  });

  it("survives mutated model.json text and shard bytes", async () => {
    clearSession();
    const x = Input({ shape: [4] });
    const m = new Model({ inputs: x, outputs: new Dense({ units: 3 }).apply(new Dense({ units: 5, activation: "relu" }).apply(x)) });
    const enc = encodeTfjsModel(m, { quantize: "uint8" });
    const text = new TextEncoder().encode(JSON.stringify(enc.modelJson));
    const shard = enc.shards[0].bytes;
    const decodeText = (b: Uint8Array): void => {
      let json: unknown;
      try {
        json = JSON.parse(new TextDecoder().decode(b));
      } catch {
        return; // not JSON any more: readTfjsFiles reports that (tested above)
      }
      clearSession();
      decodeTfjsModel({ modelJson: json as Record<string, unknown>, groups: [shard] }, "model.json");
    };
    const r1 = await fuzzReader(text, "model.json", decodeText, { n: 300, seed: 31 });
    const r2 = await fuzzReader(shard, "model.json", (b) => decodeTfjsModel({ modelJson: enc.modelJson, groups: [b] }, "model.json"), { n: 100, seed: 32 });
    assert.ok(r1.rejected > 20 && r2.rejected > 20, `rejected ${r1.rejected}, ${r2.rejected}`);
    assert.ok(tensor([1]).size === 1);
  });
});
