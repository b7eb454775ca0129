import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  CosineDecay, CosineDecayRestarts, ExponentialDecay, LearningRateSchedule, PiecewiseConstantDecay, deserializeSchedule,
  serializeSchedule,
} from "../../src/index.js";
import { loadFixtures } from "../helpers/fixtures.js";

interface ScheduleCase {
  name: string;
  class_name: string;
  config: Record<string, unknown>;
  steps: number[];
  values: number[];
}

const cases = loadFixtures("keras/schedules").cases as unknown as ScheduleCase[];

describe("learning-rate schedules match Keras 3", () => {
  for (const c of cases) {
    it(c.name, () => {
      const s = deserializeSchedule({ class_name: c.class_name, config: c.config });
      c.steps.forEach((step, i) => {
        const got = s.call(step);
        const want = c.values[i];
        // Keras computes in float32.
        assert.ok(Math.abs(got - want) <= 1e-7 + 2e-6 * Math.abs(want), `${c.name} step ${step}: got ${got}, Keras ${want}`);
      });
    });
  }
});

describe("schedule API", () => {
  it("round-trips through serialize / deserialize", () => {
    const s = new CosineDecay({ initialLearningRate: 0, decaySteps: 10, warmupTarget: 0.1, warmupSteps: 3 });
    const r = deserializeSchedule(serializeSchedule(s));
    assert.ok(r instanceof CosineDecay);
    assert.deepEqual(r.getConfig(), s.getConfig());
    for (const step of [0, 2, 3, 7, 20]) assert.equal(r.call(step), s.call(step));
  });

  it("rejects bad arguments with the class name", () => {
    assert.throws(() => new ExponentialDecay({ initialLearningRate: 1, decaySteps: 0, decayRate: 0.5 }), /ExponentialDecay: decaySteps must be > 0/);
    assert.throws(() => new PiecewiseConstantDecay({ boundaries: [1, 2], values: [1, 2] }), /one entry fewer/);
    assert.throws(() => deserializeSchedule({ className: "Nope", config: {} }), /deserializeSchedule/);
  });

  it("is a LearningRateSchedule usable as a plain function of the step", () => {
    const s = new CosineDecayRestarts({ initialLearningRate: 1, firstDecaySteps: 4 });
    assert.ok(s instanceof LearningRateSchedule);
    assert.equal(s.call(0), 1);
    assert.ok(Math.abs(s.call(4) - 1) < 1e-12, "restarts at the end of the first period");
  });
});
