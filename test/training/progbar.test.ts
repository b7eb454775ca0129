// The progress bar against Keras 3's Progbar output (scripted clock), and Python number formatting.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Progbar, formatPy, formatTemplate } from "../../src/index.js";
import { loadFixtures } from "../helpers/fixtures.js";

interface Step {
  t: number;
  current: number;
  values: [string, number][];
  finalize?: boolean | null;
}
interface ProgbarCase {
  name: string;
  target: number | null;
  verbose: 1 | 2;
  steps: Step[];
  stateless: string[] | null;
  output: string;
}

const cases = loadFixtures("keras/progbar").cases as unknown as ProgbarCase[];

function run(c: ProgbarCase, isTTY: boolean): string {
  let t = 0;
  let out = "";
  const bar = new Progbar(c.target, {
    verbose: c.verbose,
    stream: { write: (s: string) => (out += s), isTTY },
    now: () => t,
    statelessMetrics: c.stateless ?? [],
  });
  for (const s of c.steps) {
    t = s.t;
    bar.update(s.current, s.values, s.finalize ?? undefined);
  }
  return out;
}

describe("Progbar matches Keras 3 byte for byte on a TTY", () => {
  for (const c of cases)
    it(c.name, () => {
      assert.equal(run(c, true), c.output);
    });
});

describe("Progbar off a TTY", () => {
  it("verbose 1 prints one plain line when the bar completes", () => {
    const c = cases.find((k) => k.name === "fit_epoch_verbose1")!;
    const out = run(c, false);
    assert.equal(out, "50/50 ━━━━━━━━━━━━━━━━━━━━ 2s 40ms/step - accuracy: 1.0000 - loss: 0.0196 - val_accuracy: 0.0312 - val_loss: 1.2340e-05\n");
  });
  it("verbose 2 is the same with or without a TTY", () => {
    const c = cases.find((k) => k.name === "fit_epoch_verbose2")!;
    assert.equal(run(c, false), c.output);
  });
});

describe("Python number formatting", () => {
  // Expected strings from CPython 3 (str.format).
  const table: [number | string, string, string][] = [
    [0.03125, ".4f", "0.0312"], [0.09375, ".4f", "0.0938"], [-0.03125, ".4f", "-0.0312"], [2.675, ".2f", "2.67"],
    [0.0001234, ".4e", "1.2340e-04"], [1e-7, ".4e", "1.0000e-07"], [123456789, ".2e", "1.23e+08"], [3, "02d", "03"],
    [12, "02d", "12"], [-1.5, ">6.2f", " -1.50"], [-1.5, "06.2f", "-01.50"], [0.00012345, ".3g", "0.000123"],
    [1234567, "g", "1.23457e+06"], [0.1, "", "0.1"], [3, "", "3"], [3.5, "", "3.5"], [1e-5, "", "1e-05"], [0.5, ".1%", "50.0%"],
    [1234567.891, ",.2f", "1,234,567.89"], ["ab", ">4", "  ab"], [7, "<4d", "7   "], [7, "^5d", "  7  "], [2.5, "+.1f", "+2.5"],
  ];
  for (const [v, spec, want] of table)
    it(`format(${v}, "${spec}") = "${want}"`, () => assert.equal(formatPy(v, spec), want));

  it("fills templates as str.format does", () => {
    assert.equal(formatTemplate("w-{epoch:02d}-{val_loss:.2f}.ckpt", { epoch: 3, val_loss: 0.4567 }), "w-03-0.46.ckpt");
    assert.equal(formatTemplate("{{literal}}-{epoch}", { epoch: 12 }), "{literal}-12");
    assert.throws(() => formatTemplate("{missing}", { epoch: 1 }), /no value for "\{missing\}"; available: epoch/);
    assert.throws(() => formatPy(1.5, "d"), /needs an integer/);
  });
});
