import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadDigits, loadFaceSubset } from "../../src/index.js";

describe("embedded data", () => {
  it("loads the 1797 digits with labels 0..9", () => {
    const { x, y } = loadDigits();
    assert.deepEqual(x.shape, [1797, 64]);
    assert.deepEqual(y.shape, [1797]);
    const counts = new Array(10).fill(0);
    for (const l of y.values) counts[l]++;
    assert.ok(counts.every((c) => c >= 170 && c <= 190), `class counts ${counts}`);
    assert.equal(Math.max(...x.values), 16);
    // First row as in scikit-learn: 0,0,5,13,9,1,0,0 ...
    assert.deepEqual([...x.values.slice(0, 8)], [0, 0, 5, 13, 9, 1, 0, 0]);
    assert.equal(y.values[0], 0);
  });

  it("loads the 200 LFW crops, faces first", () => {
    const { x, y } = loadFaceSubset();
    assert.deepEqual(x.shape, [200, 25, 25, 1]);
    assert.equal(y.values[0], 1);
    assert.equal(y.values[199], 0);
    assert.ok(x.values.every((v) => v >= 0 && v <= 1));
    assert.ok(x.values.some((v) => v > 0.9));
  });
});
