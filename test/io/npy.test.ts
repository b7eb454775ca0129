import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { tensor } from "../../src/index.js";
import { decodeNpy, encodeNpy, loadNpy, parseNpy, saveNpy } from "../../src/io/npy.js";
import { FileFormatError } from "../../src/io/errors.js";
import { fuzzReader } from "./fuzz.js";

const DIR = "test/fixtures/io/npy";
const index = JSON.parse(readFileSync(join(DIR, "index.json"), "utf8")) as {
  files: Record<string, { shape: number[]; descr: string; values: number[] }>;
};
const file = (name: string): Uint8Array => readFileSync(join(DIR, `${name}.npy`));

describe("npy", () => {
  it("reads every element kind, byte order, Fortran order and format version NumPy writes", () => {
    const expectDtype: Record<string, string> = {
      f4: "float32", f8: "float64", i4: "int32", u1: "int32", b1: "bool", scalar_f4: "float32", empty_f4: "float32", i8: "int32",
      f2: "float32", i2: "int32", u2: "int32", be_f4: "float32", be_i4: "int32", fortran_f4: "float32", v2_f4: "float32", v3_f4: "float32",
    };
    for (const [name, dt] of Object.entries(expectDtype)) {
      const e = index.files[name];
      const t = loadNpy(join(DIR, `${name}.npy`));
      assert.deepEqual([...t.shape], e.shape, name);
      assert.equal(t.dtype, dt, name);
      const got = Array.from(t.values, Number);
      const want = name === "f4" || name.endsWith("_f4") || name === "f2" ? e.values.map(Math.fround) : e.values;
      assert.deepEqual(got, want, name);
    }
  });

  it("keeps the raw element kind in parseNpy", () => {
    assert.equal(parseNpy(file("u1")).dtype, "uint8");
    assert.equal(parseNpy(file("i8")).dtype, "int64");
    assert.equal(parseNpy(file("f2")).dtype, "float16");
  });

  it("writes the same bytes as np.save", () => {
    for (const name of ["f4", "f8", "i4", "b1", "scalar_f4", "empty_f4"]) {
      const t = decodeNpy(file(name));
      assert.deepEqual(encodeNpy(t), new Uint8Array(file(name)), name);
    }
    const u1 = decodeNpy(file("u1"));
    assert.deepEqual(encodeNpy(u1, { dtype: "uint8" }), new Uint8Array(file("u1")));
  });

  it("round-trips through a file, atomically replacing it", () => {
    const dir = mkdtempSync(join(tmpdir(), "deepts-npy-"));
    try {
      const p = join(dir, "x.npy");
      const x = tensor([[1.5, -2], [3, 4e-8]], [2, 2], "float64");
      saveNpy(p, x);
      saveNpy(p, x); // over an existing file
      const y = loadNpy(p);
      assert.equal(y.dtype, "float64");
      assert.deepEqual(Array.from(y.values), Array.from(x.values));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("rejects what it cannot represent, naming the file", () => {
    assert.throws(() => decodeNpy(file("i8_big"), "big.npy"), /big\.npy: array: int64 value 1099511627776 at index 0 does not fit int32/);
    assert.throws(() => decodeNpy(file("structured"), "s.npy"), /s\.npy: \.npy header: 'descr' must be a simple type string/);
    assert.throws(() => decodeNpy(new Uint8Array([1, 2, 3]), "tiny.npy"), /tiny\.npy: not a \.npy file/);
    assert.throws(() => encodeNpy(tensor([256], [1], "int32"), { dtype: "uint8" }), /value 256 at index 0 does not fit uint8/);
    const f4 = file("f4");
    assert.throws(() => decodeNpy(f4.subarray(0, f4.length - 1), "t.npy"), /t\.npy: truncated \.npy file: shape \[3,4\] of float32 needs 48 data bytes, 47 remain/);
  });

  it("survives mutated and truncated files with a clear error or a consistent array", async () => {
    for (const [name, seed] of [["f4", 1], ["fortran_f4", 2], ["v3_f4", 3], ["b1", 4]] as const) {
      const bytes = file(name);
      const { rejected } = await fuzzReader(bytes, `${name}.npy`, (b) => {
        const a = parseNpy(b, `${name}.npy`);
        assert.equal(a.data.length, a.shape.reduce((p, d) => p * d, 1));
      }, { n: 400, seed, focus: [0, 128] });
      assert.ok(rejected > 100, `${name}: only ${rejected} mutants rejected`);
    }
    assert.ok(new FileFormatError("a", "b").message === "a: b");
  });
});
