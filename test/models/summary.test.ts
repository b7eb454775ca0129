// summary() against Keras 3.15's text (fixtures from scripts/fixtures/gen_layers_core.py): layout, shapes, counts.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import {
  Add, Concatenate, Dense, Dropout, Input, Model, Sequential, clearSession, ones, readableMemorySize, type SummaryOptions,
} from "../../src/index.js";
import { loadFixtures } from "../helpers/fixtures.js";

interface SummaryCase {
  name: string;
  text: string;
  total: number;
  trainable: number;
  nonTrainable: number;
}
const cases = new Map((loadFixtures("keras/summary_core").cases as unknown as SummaryCase[]).map((c) => [c.name, c]));

function text(m: Model, opts?: SummaryOptions): string {
  let out = "";
  m.summary((s) => (out = s), opts);
  return out;
}

/** Rebuilds the models of the fixture generator, with the same layer names. */
const builders: Record<string, () => Model> = {
  mlp: () => new Sequential({ layers: [Input({ shape: [32] }), new Dense({ units: 64, activation: "relu" }), new Dropout({ rate: 0.5 }), new Dense({ units: 10 })], name: "mlp" }),
  multi_io: () => {
    const a = Input({ shape: [8], name: "a" });
    const b = Input({ shape: [4], name: "b" });
    const z = new Concatenate().apply([new Dense({ units: 16, name: "da" }).apply(a), new Dense({ units: 16 }).apply(b)]);
    return new Model({ inputs: [a, b], outputs: [new Dense({ units: 1, name: "o1" }).apply(z), new Dense({ units: 3, activation: "softmax" }).apply(z)] });
  },
  nested: () => {
    const inner = new Sequential({ layers: [Input({ shape: [5] }), new Dense({ units: 3 }), new Dense({ units: 4, name: "frozen" })], name: "inner" });
    inner.getLayer("frozen").trainable = false;
    const i = Input({ shape: [5] });
    return new Model({ inputs: i, outputs: new Dense({ units: 2 }).apply(inner.apply(i)) });
  },
  shared: () => {
    const d = new Dense({ units: 3, name: "shared" });
    const ia = Input({ shape: [3], name: "ia" });
    const ib = Input({ shape: [3], name: "ib" });
    return new Model({ inputs: [ia, ib], outputs: new Add().apply([d.apply(ia), d.apply(ib)]), name: "siamese" });
  },
  unbuilt: () => new Sequential({ layers: [new Dense({ units: 4 }), new Dense({ units: 2 })] }),
  big: () => new Sequential({ layers: [Input({ shape: [784] }), new Dense({ units: 1200, activation: "relu" }), new Dense({ units: 1200 }), new Dense({ units: 10 })] }),
};

describe("summary() matches Keras 3", () => {
  let saved: string | undefined;
  before(() => {
    saved = process.env.COLUMNS;
    process.env.COLUMNS = "80"; // Keras' fallback terminal size: tables default to 80 - 4 columns.
  });
  after(() => {
    if (saved === undefined) delete process.env.COLUMNS;
    else process.env.COLUMNS = saved;
  });
  beforeEach(() => clearSession());

  const check = (name: string, build: () => Model, opts?: SummaryOptions, crop?: number): void => {
    it(name, () => {
      const want = cases.get(name)!;
      assert.ok(want, `fixture ${name}`);
      const m = build();
      let got = text(m, opts);
      // Keras prints through a console 80 columns wide that crops longer lines.
      if (crop) got = got.split("\n").map((l) => l.slice(0, crop)).join("\n");
      assert.equal(got, want.text);
      assert.equal(m.countParams(), want.total);
      assert.equal(m.trainableWeights.reduce((n, w) => n + w.value.size, 0), want.trainable);
      assert.equal(m.nonTrainableWeights.reduce((n, w) => n + w.value.size, 0), want.nonTrainable);
    });
  };
  check("mlp", builders.mlp);
  check("multi_io", builders.multi_io);
  check("multi_io_108", builders.multi_io, { lineLength: 108 }, 80);
  check("nested", builders.nested);
  check("nested_expanded", builders.nested, { expandNested: true, showTrainable: true });
  check("shared", builders.shared);
  check("unbuilt", builders.unbuilt);
  check("built_on_call", () => {
    const m = builders.unbuilt();
    m.apply(ones([2, 3]));
    return m;
  });
  check("big", builders.big, { lineLength: 70 });

  it("formats memory sizes as Keras (Python rounding)", () => {
    assert.equal(readableMemorySize(0), "0.00 B");
    assert.equal(readableMemorySize(11048), "10.79 KB");
    assert.equal(readableMemorySize(1152), "1.12 KB"); // 1.125: ties to even, as Python's format
    assert.equal(readableMemorySize(9580840), "9.14 MB");
  });
});
