import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { tensor } from "../../src/index.js";
import { decodeSafetensors, encodeSafetensors, loadSafetensors, saveSafetensors } from "../../src/io/safetensors.js";
import { fuzzReader } from "./fuzz.js";

const DIR = "test/fixtures/io/safetensors";
const index = JSON.parse(readFileSync(join(DIR, "index.json"), "utf8")) as {
  tensors: Record<string, { shape: number[]; values: number[] }>;
  metadata: Record<string, string>;
};

/** A header + data file from a header object and a data length (for hand-made invalid files). */
function handMade(header: unknown, dataLen: number, headerLenOverride?: bigint): Uint8Array {
  const h = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + h.length + dataLen);
  new DataView(out.buffer).setBigUint64(0, headerLenOverride ?? BigInt(h.length), true);
  out.set(h, 8);
  return out;
}

describe("safetensors", () => {
  it("reads a file written by the reference implementation", () => {
    const { tensors, metadata } = loadSafetensors(join(DIR, "mixed.safetensors"));
    assert.deepEqual(metadata, index.metadata);
    const dtypes: Record<string, string> = {
      "dense/kernel": "float32", "dense/bias": "float32", f64: "float64", i32: "int32", i64: "int32", u8: "int32", bool: "bool",
      f16: "float32", scalar: "float32", empty: "float32",
    };
    assert.deepEqual([...tensors.keys()].sort(), Object.keys(dtypes).sort());
    for (const [name, e] of Object.entries(index.tensors)) {
      const t = tensors.get(name)!;
      assert.equal(t.dtype, dtypes[name], name);
      assert.deepEqual([...t.shape], e.shape, name);
      const want = t.dtype === "float32" ? e.values.map(Math.fround) : e.values;
      assert.deepEqual(Array.from(t.values, Number), want, name);
    }
  });

  it("round-trips tensors and metadata through a file", () => {
    const dir = mkdtempSync(join(tmpdir(), "deepts-st-"));
    try {
      const p = join(dir, "w.safetensors");
      const src = {
        "a/kernel": tensor([[1, 2, 3], [4, 5, 6]]),
        b: tensor([1.25, -1e-300], [2], "float64"),
        c: tensor([7, -8], [2], "int32"),
        d: tensor([true, false]),
        e: tensor([], [0, 3]),
      };
      saveSafetensors(p, src, { format: "deepts" });
      const bytes = readFileSync(p);
      assert.equal(Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true)) % 8, 0, "data is 8-byte aligned");
      const back = loadSafetensors(p);
      assert.deepEqual(back.metadata, { format: "deepts" });
      for (const [k, t] of Object.entries(src)) {
        const u = back.tensors.get(k)!;
        assert.equal(u.dtype, t.dtype, k);
        assert.deepEqual([...u.shape], [...t.shape], k);
        assert.deepEqual(Array.from(u.values), Array.from(t.values), k);
      }
      assert.throws(() => encodeSafetensors({ __metadata__: tensor([1]) }), /reserved/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("validates the header: dtypes, sizes, offsets that tile the data, lengths", () => {
    const ok = { x: { dtype: "F32", shape: [2], data_offsets: [0, 8] } };
    assert.equal(decodeSafetensors(handMade(ok, 8), "ok").tensors.get("x")!.size, 2);
    const bad: [unknown, number, RegExp, bigint?][] = [
      [{ x: { dtype: "F32", shape: [2], data_offsets: [0, 8] } }, 4, /bad: truncated safetensors file: the tensors need 8 data bytes, 4 remain/],
      [{ x: { dtype: "F32", shape: [2], data_offsets: [0, 8] } }, 12, /bad: safetensors file has 4 bytes after the last tensor's data/],
      [{ x: { dtype: "F32", shape: [3], data_offsets: [0, 8] } }, 8, /tensor "x": shape \[3\] of F32 needs 12 bytes, data_offsets span 8/],
      [{ x: { dtype: "C64", shape: [1], data_offsets: [0, 8] } }, 8, /tensor "x": dtype "C64" is not supported/],
      [{ x: { dtype: "F32", shape: [-1], data_offsets: [0, 4] } }, 4, /invalid dimension -1/],
      [{ x: { dtype: "F32", shape: [1], data_offsets: [0, 4] }, y: { dtype: "F32", shape: [1], data_offsets: [0, 4] } }, 4, /data starts at 0, expected 4/],
      [{ x: { dtype: "F32", shape: [1], data_offsets: [4, 8] } }, 8, /data starts at 4, expected 0/],
      [{ x: { dtype: "F32", shape: [65536, 65536], data_offsets: [0, 4] } }, 4, /more than 2147483647 elements/],
      [{ __metadata__: { a: 1 } }, 0, /__metadata__\["a"\] must be a string/],
      [[1, 2], 0, /header is not a JSON object/],
      [ok, 8, /header length 18446744073709551615 exceeds/, 2n ** 64n - 1n],
      [ok, 8, /truncated safetensors file: the header needs 1000 bytes/, 1000n],
    ];
    for (const [h, n, re, len] of bad) assert.throws(() => decodeSafetensors(handMade(h, n, len), "bad"), re);
    assert.throws(() => decodeSafetensors(new Uint8Array(3), "short"), /short: not a safetensors file/);
  });

  it("survives mutated and truncated files with a clear error or consistent tensors", async () => {
    const bytes = readFileSync(join(DIR, "mixed.safetensors"));
    const { rejected, accepted } = await fuzzReader(bytes, "mixed.safetensors", (b) => {
      for (const t of decodeSafetensors(b, "mixed.safetensors").tensors.values()) assert.equal(t.values.length, t.size);
    }, { n: 600, seed: 7, focus: [0, 700] });
    assert.ok(rejected > 300 && accepted > 20, `rejected ${rejected}, accepted ${accepted}`);
  });
});
