// summary() of the applications prints Keras 3.15's text exactly: the table, shapes, counts, and for
// MobileNetV2 and FaceNet the "Connected to" column, which checks the graph's wiring layer by layer.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { clearSession } from "../../src/index.js";
import { loadFixtures } from "../helpers/fixtures.js";
import { build } from "./helpers.js";

interface SummaryCase {
  name: string;
  builder: string;
  args: Record<string, unknown>;
  summary: string;
}

const cases = (loadFixtures("keras/applications_summary") as unknown as { cases: SummaryCase[] }).cases;

describe("applications: summary() as Keras prints it", () => {
  it("has the fixture cases", () => assert.equal(cases.length, 4));
  for (const c of cases)
    it(c.name, () => {
      clearSession();
      let text = "";
      build(c.builder, c.args).summary((line: string) => (text += (text ? "\n" : "") + line));
      const got = text.replace(/\n+$/, "").split("\n");
      const expected = c.summary.split("\n");
      for (let i = 0; i < Math.max(got.length, expected.length); i++)
        assert.equal(got[i], expected[i], `${c.name}: line ${i + 1} of ${expected.length}`);
    });
});
