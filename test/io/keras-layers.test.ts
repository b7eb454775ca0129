// Every layer deepts has, from a config written by Keras 3.15 (scripts/fixtures/gen_io_keras_layers.py):
// the translated layer predicts what Keras predicted, and the config deepts writes back is Keras' own.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { type Tensor, clearSession, deserializeLayer, tensor } from "../../src/index.js";
import { fromKerasConfig } from "../../src/io/keras-config.js";
import { toKerasConfig } from "../../src/io/keras-export.js";
import { assertClose } from "../helpers/assert.js";

interface Arr {
  shape: number[];
  values: number[];
}
interface Case {
  name: string;
  keras: { class_name: string; config: Record<string, unknown> };
  weights: (Arr & { path: string })[];
  inputs: Arr[];
  output: Arr;
}
const fixture = JSON.parse(readFileSync("test/fixtures/io/keras_layers.json", "utf8")) as { cases: Case[] };
const t = (a: Arr): Tensor => tensor(new Float32Array(a.values), a.shape);

/** Differences where `ours` has a key Keras lacks or a different value (nested objects compared as subsets). */
function notIn(ours: unknown, theirs: unknown, path: string, out: string[]): void {
  if (typeof ours === "object" && ours !== null && !Array.isArray(ours)) {
    if (typeof theirs !== "object" || theirs === null || Array.isArray(theirs)) {
      out.push(`${path}: ${JSON.stringify(ours)} vs ${JSON.stringify(theirs)}`);
      return;
    }
    for (const [k, v] of Object.entries(ours)) {
      if (!(k in theirs)) out.push(`${path}.${k}: not a Keras key`);
      else notIn(v, (theirs as Record<string, unknown>)[k], `${path}.${k}`, out);
    }
    return;
  }
  if (JSON.stringify(ours) !== JSON.stringify(theirs)) out.push(`${path}: ${JSON.stringify(ours)} vs Keras ${JSON.stringify(theirs)}`);
}

describe("Keras 3 layer configs", () => {
  for (const c of fixture.cases)
    it(`${c.keras.class_name} (${c.name})`, () => {
      clearSession();
      const layer = deserializeLayer(fromKerasConfig(c.keras, { source: "keras_layers.json" }));
      const xs = c.inputs.map(t);
      const arg = xs.length > 1 ? xs : xs[0];
      layer.apply(arg);
      assert.deepEqual(layer.weights.map((w) => [...w.shape]), c.weights.map((w) => w.shape), "weight shapes");
      layer.setWeights(c.weights.map(t));
      assertClose(layer.apply(arg) as Tensor, t(c.output), { atol: 1e-5, rtol: 1e-5 });

      const back = toKerasConfig(layer, 3);
      assert.equal(back.class_name, c.keras.class_name);
      const diffs: string[] = [];
      notIn(back.config, c.keras.config, "config", diffs);
      assert.deepEqual(diffs, [], "the config deepts writes differs from Keras'");

      const again = deserializeLayer(fromKerasConfig(back, { source: "round trip" }));
      assert.deepEqual(again.getConfig(), layer.getConfig());
    });
});
