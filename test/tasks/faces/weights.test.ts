import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { type FaceNetName, faceNetManifest, loadFaceNet } from "../../../src/tasks/faces/index.js";
import { type WeightSpec, decodeWeights, loadWeightsManifest, parseManifest } from "../../../src/tasks/faces/weights.js";

const tmp = mkdtempSync(join(tmpdir(), "deepts-tfjs-weights-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

function bytesOf(...parts: ArrayBufferView[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.byteLength, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(new Uint8Array(p.buffer, p.byteOffset, p.byteLength), o);
    o += p.byteLength;
  }
  return out;
}

describe("TF.js weights manifests", () => {
  it("decodes float32, int32 and bool weights laid one after another", () => {
    const specs: WeightSpec[] = [
      { name: "a", shape: [2, 2], dtype: "float32" },
      { name: "b", shape: [3], dtype: "int32" },
      { name: "c", shape: [2], dtype: "bool" },
    ];
    const w = decodeWeights(bytesOf(new Float32Array([1.5, -2, 3.25, 0]), new Int32Array([7, -8, 9]), new Uint8Array([0, 1])), specs);
    assert.deepEqual(w.get("a")!.shape, [2, 2]);
    assert.deepEqual(Array.from(w.get("a")!.values), [1.5, -2, 3.25, 0]);
    assert.deepEqual(Array.from(w.get("b")!.values), [7, -8, 9]);
    assert.equal(w.get("c")!.dtype, "bool");
    assert.deepEqual(Array.from(w.get("c")!.values), [0, 1]);
  });

  it("dequantizes uint8 / uint16 as q * scale + min (float32; rounded for int32) and float16 exactly", () => {
    const specs: WeightSpec[] = [
      { name: "u8", shape: [3], dtype: "float32", quantization: { dtype: "uint8", min: -1, scale: 0.1 } },
      { name: "u16", shape: [2], dtype: "float32", quantization: { dtype: "uint16", min: 0.5, scale: 0.001 } },
      { name: "i", shape: [], dtype: "int32", quantization: { dtype: "uint8", min: 3072, scale: 1 } },
      { name: "h", shape: [5], dtype: "float32", quantization: { dtype: "float16" } },
    ];
    // float16 bits: 1, -2, 0.5, 65504 (max), 2^-24 (smallest subnormal)
    const half = new Uint16Array([0x3c00, 0xc000, 0x3800, 0x7bff, 0x0001]);
    const w = decodeWeights(bytesOf(new Uint8Array([0, 10, 255]), new Uint16Array([0, 1000]), new Uint8Array([0]), half), specs);
    assert.deepEqual(Array.from(w.get("u8")!.values), [Math.fround(-1), Math.fround(10 * 0.1 - 1), Math.fround(255 * 0.1 - 1)]);
    assert.deepEqual(Array.from(w.get("u16")!.values), [0.5, Math.fround(1000 * 0.001 + 0.5)]);
    assert.equal(w.get("i")!.item(), 3072);
    assert.deepEqual(Array.from(w.get("h")!.values), [1, -2, 0.5, 65504, 2 ** -24]);
  });

  it("rejects truncated or oversized shards, unknown dtypes and bad quantization with the file and the weight's name", () => {
    const f = (n: number, specs: WeightSpec[]) => () => decodeWeights(new Uint8Array(n), specs, "m.json");
    assert.throws(f(8, [{ name: "w", shape: [3], dtype: "float32" }]), /m\.json: truncated weights: weight "w" needs bytes 0\.\.12, the shards of group 1 hold 8/);
    assert.throws(f(16, [{ name: "w", shape: [3], dtype: "float32" }]), /hold 16 bytes, the manifest describes 12/);
    assert.throws(f(4, [{ name: "w", shape: [1], dtype: "complex64" as "float32" }]), /weight "w": dtype "complex64" is not supported/);
    assert.throws(f(4, [{ name: "w", shape: [1], dtype: "float32", quantization: { dtype: "int4" as "uint8" } }]), /quantized as "int4" is not supported/);
    assert.throws(f(1, [{ name: "w", shape: [1], dtype: "float32", quantization: { dtype: "uint8" } }]), /uint8 quantization needs numeric "scale" and "min"/);
    assert.throws(f(4, [{ name: "w", shape: [-1], dtype: "float32" }]), /invalid dimension -1 in shape \[-1\]/);
    assert.throws(f(4, [{ name: "w", shape: [2 ** 20, 2 ** 20], dtype: "float32" }]), /has more than 2147483647 elements/);
    assert.throws(() => parseManifest("{", "m.json"), /m\.json: not valid JSON/);
    assert.throws(() => parseManifest('{"a": 1}', "m.json"), /expected a weights manifest/);
    assert.throws(() => parseManifest('[{"paths": "x.bin", "weights": []}]', "m.json"), /must have "paths"/);
  });

  it("reads the manifest beside its shards, several shards concatenated, and refuses paths that leave the folder", () => {
    const manifest = [{ paths: ["s1.bin", "s2.bin"], weights: [{ name: "w", shape: [2], dtype: "float32" }, { name: "v", shape: [1], dtype: "float32" }] }];
    writeFileSync(join(tmp, "m.json"), JSON.stringify(manifest));
    writeFileSync(join(tmp, "s1.bin"), new Uint8Array(new Float32Array([1, 2]).buffer).subarray(0, 6));
    writeFileSync(join(tmp, "s2.bin"), bytesOf(new Uint8Array(new Float32Array([1, 2]).buffer).subarray(6), new Float32Array([3])));
    const w = loadWeightsManifest(join(tmp, "m.json"));
    assert.deepEqual(Array.from(w.get("w")!.values), [1, 2]);
    assert.deepEqual(Array.from(w.get("v")!.values), [3]);
    writeFileSync(join(tmp, "bad.json"), JSON.stringify([{ paths: ["../etc/passwd"], weights: [] }]));
    assert.throws(() => loadWeightsManifest(join(tmp, "bad.json")), /must stay beside the manifest/);
    writeFileSync(join(tmp, "gone.json"), JSON.stringify([{ paths: ["nope.bin"], weights: [] }]));
    assert.throws(() => loadWeightsManifest(join(tmp, "gone.json")), /cannot read shard "nope\.bin"/);
    assert.throws(() => loadWeightsManifest(join(tmp, "absent.json")), /cannot read the weights manifest/);
  });

  it("survives mutated copies of a real manifest: every mutation loads or fails with an Error, never hangs", () => {
    const real = JSON.parse(readFileSync(faceNetManifest("tinyFaceDetector"), "utf8"));
    const shard = readFileSync(join(faceNetManifest("tinyFaceDetector"), "..", real[0].paths[0]));
    let seed = 12345;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) % n);
    for (let k = 0; k < 40; k++) {
      const m = structuredClone(real);
      const w = m[0].weights[rand(m[0].weights.length)];
      const kind = rand(5);
      if (kind === 0) w.shape = w.shape.map((d: number) => d + 1);
      else if (kind === 1) w.dtype = ["string", "int32", "bool"][rand(3)];
      else if (kind === 2) w.quantization = { dtype: ["uint16", "float16", "uint8"][rand(3)] };
      else if (kind === 3) m[0].weights.splice(rand(m[0].weights.length), 1);
      else w.shape = [];
      writeFileSync(join(tmp, "mut.json"), JSON.stringify([{ ...m[0], paths: ["mut.bin"] }]));
      writeFileSync(join(tmp, "mut.bin"), rand(2) ? shard : shard.subarray(0, rand(shard.length)));
      try {
        loadWeightsManifest(join(tmp, "mut.json"));
      } catch (e) {
        assert.ok(e instanceof Error && e.message.includes("mut.json"), `mutation ${k}: ${String(e)}`);
      }
    }
  });

  it("loads the four pretrained nets with face-api's weight counts", () => {
    const counts: Record<FaceNetName, number> = {
      faceRecognitionNet: 0, faceLandmark68Net: 0, tinyFaceDetector: 0, ssdMobilenetv1: 0,
    };
    for (const name of Object.keys(counts) as FaceNetName[]) {
      const m = JSON.parse(readFileSync(faceNetManifest(name), "utf8"));
      for (const w of m[0].weights) counts[name] += w.shape.reduce((a: number, b: number) => a * b, 1);
    }
    // dlib's ResNet: 5.6 M parameters (ASSETS.md); the others from their manifests.
    assert.ok(counts.faceRecognitionNet > 5.5e6 && counts.faceRecognitionNet < 5.7e6, String(counts.faceRecognitionNet));
    for (const name of Object.keys(counts) as FaceNetName[])
      assert.equal(loadFaceNet(name).weights.parameterCount, counts[name], name);
  });

  it("names the net and the weight when a weights file belongs to another network", () => {
    writeFileSync(join(tmp, "face_recognition_model-weights_manifest.json"), readFileSync(faceNetManifest("tinyFaceDetector")));
    writeFileSync(join(tmp, "tiny_face_detector_model.bin"), readFileSync(join(faceNetManifest("tinyFaceDetector"), "..", "tiny_face_detector_model.bin")));
    assert.throws(() => loadFaceNet("faceRecognitionNet", tmp), /FaceRecognitionNet: weight "conv32_down\/conv\/filters" is missing/);
    assert.throws(() => loadFaceNet("nope" as FaceNetName), /unknown network "nope"/);
    assert.throws(() => loadFaceNet("ssdMobilenetv1", join(tmp, "empty")), /weights manifest not found/);
  });
});
