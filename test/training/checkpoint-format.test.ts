// deepts' checkpoint format: layout, dtypes, errors.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Tensor, decodeCheckpoint, encodeCheckpoint } from "../../src/index.js";

describe("checkpoint format", () => {
  const weights = [
    { path: "dense/kernel", name: "kernel", value: new Tensor(new Float32Array([1.5, -2, 3.25]), [3, 1]) },
    { path: "opt/iteration", name: "iteration", value: new Tensor(new Int32Array([7]), [], "int32") },
    { path: "x/double", name: "double", value: new Tensor(new Float64Array([Math.PI, 1e-300]), [2], "float64") },
  ];

  it("round-trips float32, int32 and float64 weights with the header", () => {
    const bytes = encodeCheckpoint(weights, { className: "Sequential", config: { name: "m" } }, { epoch: 4 });
    assert.equal(new TextDecoder().decode(bytes.subarray(0, 8)), "DEEPTSCK");
    const { header, weights: back } = decodeCheckpoint(bytes);
    assert.equal(header.format, "deepts-checkpoint");
    assert.equal(header.version, 1);
    assert.deepEqual(header.meta, { epoch: 4 });
    assert.deepEqual(header.model, { className: "Sequential", config: { name: "m" } });
    assert.deepEqual(header.weights.map((w) => [w.path, w.dtype, w.shape, w.offset % 8]), [
      ["dense/kernel", "float32", [3, 1], 0], ["opt/iteration", "int32", [], 0], ["x/double", "float64", [2], 0],
    ]);
    back.forEach((t, i) => {
      assert.equal(t.dtype, weights[i].value.dtype);
      assert.deepEqual([...t.shape], [...weights[i].value.shape]);
      assert.deepEqual([...t.values], [...weights[i].value.values]);
    });
    // The data section starts 8-byte aligned after the header and holds the raw little-endian values.
    const headerLen = new DataView(bytes.buffer).getUint32(8, true);
    const start = Math.ceil((12 + headerLen) / 8) * 8;
    assert.deepEqual([...new Float32Array(bytes.buffer.slice(start, start + 12))], [1.5, -2, 3.25]);
  });

  it("refuses other files and truncated ones", () => {
    assert.throws(() => decodeCheckpoint(new TextEncoder().encode("PK\u0003\u0004 a zip")), /not a deepts checkpoint/);
    const bytes = encodeCheckpoint(weights);
    assert.throws(() => decodeCheckpoint(bytes.subarray(0, bytes.length - 4), "w.ckpt"), /w\.ckpt: truncated file \(weight "x\/double"/);
    assert.throws(() => encodeCheckpoint([{ path: "m", name: "m", value: new Tensor(new Uint8Array([1]), [1], "bool") }]), /is bool/);
  });
});
