// The benchmark harness (bench/): statistics, table formatting, and one real run of a tiny GEMM on deepts js.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { baselineOf, caseTable, summaryTable } from "../../bench/harness/report.js";
import { engineApplies, runCase } from "../../bench/harness/runner.js";
import { fmtMs, fmtRatio, gflops, median, min, ratio } from "../../bench/harness/stats.js";
import type { CaseResult } from "../../bench/harness/types.js";
import { loadWorkload, workloadNames } from "../../bench/harness/workloads.js";

describe("bench stats", () => {
  it("median of odd and even counts, unsorted input, and nothing", () => {
    assert.equal(median([5, 1, 3]), 3);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.ok(Number.isNaN(median([])));
    assert.equal(min([3, 2, 7]), 2);
  });
  it("ratio, GFLOP/s and number formats", () => {
    assert.equal(ratio(30, 10), 3);
    assert.ok(Number.isNaN(ratio(1, 0)));
    assert.equal(gflops(2e9, 100), 20);
    assert.equal(fmtMs(1234.4), "1234");
    assert.equal(fmtMs(12.345), "12.3");
    assert.equal(fmtMs(0.012345), "0.0123");
    assert.equal(fmtRatio(2), "2.00×");
    assert.equal(fmtRatio(123.4), "123×");
  });
});

const sample: CaseResult = {
  workload: "gemm",
  caseName: "8³",
  flops: 2e9,
  results: [
    { engine: "deepts-native", times: [10, 12, 11], threads: 2, maxRssBytes: 100 * 2 ** 20 },
    { engine: "tfjs-cpu", times: [40, 44, 30], threads: 1 },
    { engine: "ort", times: [], unavailable: "n/a: ONNX Runtime runs inference only" },
  ],
};

describe("bench report", () => {
  it("detail table: median, min, GFLOP/s, ratio to deepts native, RSS, and the reason for n/a", () => {
    const t = caseTable(sample);
    assert.match(t, /\| deepts native \| 2 \| 11\.0 \| 10\.0 \| 182 \| 1\.00× \| 100 \| 3 \|/);
    assert.match(t, /\| TF\.js cpu \| 1 \| 40\.0 \| 30\.0 \| 50 \| 3\.64× \|/);
    assert.match(t, /ONNX Runtime .*\| n\/a: ONNX Runtime runs inference only \|/);
  });
  it("summary matrix has one column per engine and the ratio in each cell", () => {
    const t = summaryTable([sample]).split("\n");
    assert.equal(t[0], "| workload | case | deepts native | TF.js cpu | ONNX Runtime |");
    assert.equal(t[2], "| gemm | 8³ | 11.0 | 40.0 (3.64×) | n/a |");
  });
  it("falls back to deepts js as the baseline when native has no figure", () => {
    const c: CaseResult = {
      workload: "w",
      caseName: "c",
      results: [
        { engine: "deepts-native", times: [], unavailable: "n/a: not registered" },
        { engine: "deepts-js", times: [100] },
      ],
    };
    assert.equal(baselineOf(c)?.engine, "deepts-js");
    assert.equal(baselineOf({ ...c, results: [] }), null);
  });
});

describe("bench workloads", () => {
  it("every workload module loads, has cases with unique names and JSON specs", async () => {
    const names = workloadNames();
    assert.ok(names.includes("gemm") && names.includes("conv2d"), `found ${names.join(", ")}`);
    for (const n of names) {
      const w = await loadWorkload(n);
      assert.equal(w.name, n);
      const caseNames = w.cases.map((c) => c.name);
      assert.equal(new Set(caseNames).size, caseNames.length, `${n}: duplicate case names`);
      for (const c of w.cases) assert.deepEqual(JSON.parse(JSON.stringify(c.spec)), c.spec);
    }
  });
  it("leaves out engines with neither an implementation nor a reason", async () => {
    const gemm = await loadWorkload("gemm");
    const conv = await loadWorkload("conv2d");
    assert.ok(engineApplies(gemm, "deepts-js") && engineApplies(gemm, "numpy") && engineApplies(gemm, "ort"));
    assert.ok(!engineApplies(conv, "numpy"));
    assert.ok(engineApplies(conv, "torch"));
  });
});

describe("bench run", () => {
  it("times a tiny GEMM on deepts js in its own process and reports an inapplicable engine as n/a", async () => {
    const gemm = await loadWorkload("gemm");
    const c = { name: "48×32×40", spec: { m: 48, k: 32, n: 40 }, flops: 2 * 48 * 32 * 40 };
    const r = await runCase(gemm, c, { engines: ["deepts-js"], threads: 1, reps: 3, warmup: 1, capSeconds: 5, settleMs: 0 });
    assert.equal(r.results.length, 1);
    const js = r.results[0];
    assert.equal(js.unavailable, undefined);
    assert.equal(js.times.length, 3);
    assert.ok(js.times.every((t) => t > 0 && t < 5000), `times ${js.times}`);
    assert.ok(js.maxRssBytes! > 10 * 2 ** 20, `maxRSS ${js.maxRssBytes}`);
    assert.match(caseTable(r), /\| deepts js \| 1 \| [\d.]+ \| [\d.]+ \| [\d.]+ \| 1\.00× \|/);

    const conv = await loadWorkload("conv2d");
    const back = conv.cases.find((x) => x.name.startsWith("tiny") && x.name.endsWith("fwd+bwd"))!;
    const o = await runCase(conv, back, { engines: ["ort"], threads: 1, reps: 1, warmup: 1, capSeconds: 5 });
    assert.match(o.results[0].unavailable ?? "", /^n\/a: /);
  });
});
