import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Dense, Input, Model, Sequential, loadNpy, randomNormal, saveNpy, tensor } from "../../src/index.js";
import { assertClose } from "../helpers/assert.js";
import { run } from "./capture.js";

describe("deepts summary / deepts run", () => {
  let dir = "";
  let model: Sequential;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "deepts-cli-run-"));
    model = new Sequential({ layers: [new Dense({ units: 4, activation: "relu", inputShape: [3] }), new Dense({ units: 2, name: "out" })] });
    await model.save(join(dir, "m.keras"));
    await model.save(join(dir, "m.h5"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("prints the Keras-style summary of .keras and .h5 files", async () => {
    for (const f of ["m.keras", "m.h5"]) {
      const r = await run(["summary", join(dir, f)]);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /out \(Dense\)/);
      assert.match(r.out, /Total params: 26 /);
    }
    const missing = await run(["summary", join(dir, "nope.keras")]);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /no such file/);
  });

  it("runs a model on .npy inputs and writes what predict gives", async () => {
    const x = randomNormal([5, 3], { seed: 3 });
    saveNpy(join(dir, "x.npy"), x);
    const r = await run(["run", join(dir, "m.keras"), "--input", join(dir, "x.npy"), "--output", join(dir, "y.npy")]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /float32 \[5, 2\]/);
    assertClose(loadNpy(join(dir, "y.npy")), model.predict(x) as ReturnType<typeof tensor>);
  });

  it("converts float64 inputs and refuses the wrong number of inputs or outputs, writing nothing", async () => {
    const a = Input({ shape: [2] });
    const b = Input({ shape: [2] });
    const two = new Model({ inputs: [a, b], outputs: new Dense({ units: 1 }).apply(a) });
    await two.save(join(dir, "two.keras"));
    saveNpy(join(dir, "x64.npy"), tensor([[1, 2]], undefined, "float64"));
    const r = await run(["run", join(dir, "two.keras"), "--input", join(dir, "x64.npy"), "--output", join(dir, "z.npy")]);
    assert.equal(r.code, 1);
    assert.match(r.err, /has 2 input\(s\).*got 1 --input/);
    assert.ok(!existsSync(join(dir, "z.npy")));
    const ok = await run(["run", join(dir, "two.keras"), "--input", join(dir, "x64.npy"), "--input", join(dir, "x64.npy"), "--output", join(dir, "z.npy")]);
    assert.equal(ok.code, 0, ok.err);
    assert.equal(loadNpy(join(dir, "z.npy")).dtype, "float32");
  });
});
