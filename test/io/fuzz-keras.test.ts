// Mutated and truncated Keras files: each must load, or fail with a FileFormatError naming the file,
// within a time bound; never a crash, a hang or another kind of exception.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { clearSession, loadModel } from "../../src/index.js";
import { decodeKerasArchive, decodeKerasH5, modelFromKerasConfig, planH5Weights, readKerasArchive } from "../../src/io/keras-files.js";
import { fuzzReader } from "./fuzz.js";

const DIR = "test/fixtures/io/keras";
const file = (n: string): Uint8Array => readFileSync(join(DIR, n));
const N = Number(process.env.DEEPTS_FUZZ_N ?? 80);
// Some corrupt HDF5 files send the HDF5 library into an endless loop; the reader stops it after this limit.
process.env.DEEPTS_H5_TIMEOUT_MS = "1500";

describe("fuzzing the Keras readers", () => {
  it("legacy .h5 (Keras 3 and Keras 2 layouts)", async () => {
    for (const [name, seed] of [["mlp.h5", 21], ["cnn_keras2.h5", 22]] as const) {
      const r = await fuzzReader(file(name), name, async (b) => {
        clearSession();
        await decodeKerasH5(b, name);
      }, { n: N, seed, maxMs: 6000 });
      assert.ok(r.rejected > N / 10, `${name}: ${r.rejected} rejected`);
    }
  });

  it(".weights.h5", async () => {
    const model = modelFromKerasConfig(readKerasArchive(file("cnn.keras"), "cnn.keras").config, { source: "cnn.keras" });
    const r = await fuzzReader(file("cnn.weights.h5"), "cnn.weights.h5", (b) => planH5Weights(b, "cnn.weights.h5", model), { n: N, seed: 23, maxMs: 6000 });
    assert.ok(r.rejected > N / 10, `${r.rejected} rejected`);
  });

  it(".keras archives", async () => {
    const bytes = file("mlp.keras");
    const r = await fuzzReader(bytes, "mlp.keras", async (b) => {
      clearSession();
      await decodeKerasArchive(b, "mlp.keras");
    }, { n: N, seed: 24, maxMs: 6000, focus: [0, 2500] });
    assert.ok(r.rejected > N / 10, `${r.rejected} rejected`);
  });

  it("stops the HDF5 library when a corrupt file sends it into an endless loop", async () => {
    // Found by this fuzzer: 9 bytes inserted at offset 5174 of a Keras 2-layout file make the HDF5 library
    // loop forever reading the root's attributes.
    const t0 = performance.now();
    await assert.rejects(decodeKerasH5(file("corrupt_loops.h5"), "hang.h5"), /hang\.h5: reading the HDF5 structure did not finish within 1500 ms: the file is corrupt/);
    assert.ok(performance.now() - t0 < 5000);
  });

  it("still reads good files after all that (the HDF5 module is not left broken)", async () => {
    clearSession();
    const m = await loadModel(join(DIR, "cnn.h5"));
    assert.equal(m.layers.length > 5, true);
  });
});
