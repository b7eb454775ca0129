// lineChart: SVG structure, coordinates, gaps, escaping, log axes, and refusals; tick helpers.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { escapeHtml, formatTick, lineChart, niceTicks } from "../../../src/index.js";

/** The points of every polyline, as [x, y] pairs. */
function polylines(svg: string): [number, number][][] {
  return [...svg.matchAll(/<polyline[^>]* points="([^"]*)"/g)].map((m) => m[1].split(" ").map((p) => p.split(",").map(Number) as [number, number]));
}

describe("escapeHtml", () => {
  it("replaces the five special characters and nothing else", () => {
    assert.equal(escapeHtml(`<a href="x">Tom & Jerry's</a>`), "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
    assert.equal(escapeHtml("plain text, é ✓"), "plain text, é ✓");
    assert.equal(escapeHtml("&amp;"), "&amp;amp;");
  });
});

describe("niceTicks / formatTick", () => {
  it("steps of 1, 2 or 5 times a power of ten covering the range", () => {
    assert.deepEqual(niceTicks(0, 1, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
    assert.deepEqual(niceTicks(0, 20, 4), [0, 5, 10, 15, 20]);
    assert.deepEqual(niceTicks(-1, 1, 4), [-1, -0.5, 0, 0.5, 1]);
    const t = niceTicks(0.013, 0.71, 5);
    assert.deepEqual(t, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]);
    const step = t[1] - t[0];
    assert.ok([0.1, 0.2, 0.05].some((s) => Math.abs(step - s) < 1e-12), `step ${step}`);
    assert.ok(t[0] >= 0.013 && t.at(-1)! <= 0.71);
    assert.deepEqual(niceTicks(3, 3), [3]);
    assert.deepEqual(niceTicks(10, 0, 2), [0, 5, 10]);
    assert.throws(() => niceTicks(0, Infinity), /bounds must be finite/);
  });

  it("formats without float noise", () => {
    assert.equal(formatTick(0.30000000000000004), "0.3");
    assert.equal(formatTick(0), "0");
    assert.equal(formatTick(1500), "1500");
    assert.equal(formatTick(2e-5), "2.0e-5");
    assert.equal(formatTick(3e6), "3.0e6");
  });
});

describe("lineChart", () => {
  it("maps the first and last points to the plot's corners when the y range is fixed", () => {
    const { kind, markup } = lineChart([{ name: "acc", values: [0, 0.5, 1] }], { width: 300, height: 200, yMin: 0, yMax: 1 });
    assert.equal(kind, "svg");
    assert.match(markup, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="300" height="200" viewBox="0 0 300 200"/);
    const [line] = polylines(markup);
    assert.equal(line.length, 3);
    const [x0, y0] = line[0];
    const [x1, y1] = line[1];
    const [x2, y2] = line[2];
    assert.ok(x0 < x1 && x1 < x2);
    assert.ok(Math.abs(x1 - (x0 + x2) / 2) < 0.11, "evenly spaced in x");
    assert.ok(y0 > y1 && y1 > y2, "higher values drawn higher");
    assert.ok(Math.abs(y1 - (y0 + y2) / 2) < 0.11, "linear in y");
    // The plot frame is the rect; the extreme points lie on its edges.
    const [rx, ry, rw, rh] = /<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"/.exec(markup)!.slice(1).map(Number);
    assert.deepEqual([x0, y0, x2, y2].map((v) => Math.round(v)), [rx, ry + rh, rx + rw, ry].map((v) => Math.round(v)));
    assert.equal((markup.match(/<circle /g) ?? []).length, 3);
  });

  it("draws one polyline per run of finite values and a legend entry per series", () => {
    const { markup } = lineChart([
      { name: "loss", values: [3, 2, NaN, 1, 0.5] },
      { name: "val_loss", values: [3.5, 2.5, 2, 1.5, 1.2], dashed: true, color: "#123456" },
    ]);
    const lines = polylines(markup);
    assert.deepEqual(lines.map((l) => l.length), [2, 2, 5]);
    assert.match(markup, />loss</);
    assert.match(markup, />val_loss</);
    assert.match(markup, /stroke="#123456" stroke-width="2" stroke-dasharray="6 4" points=/);
  });

  it("uses the given x positions", () => {
    const { markup } = lineChart([{ name: "a", values: [1, 2, 3], x: [10, 20, 40] }]);
    const [l] = polylines(markup);
    assert.ok(Math.abs(l[1][0] - l[0][0] - (l[2][0] - l[1][0]) / 2) < 0.11);
    assert.match(markup, />40</);
  });

  it("escapes every text it draws", () => {
    const { markup } = lineChart([{ name: "<b>x&y</b>", values: [1, 2] }], { title: `"T" <i>`, xLabel: "a<b", yLabel: "c>d" });
    assert.ok(!markup.includes("<b>") && !markup.includes("<i>"));
    assert.match(markup, /&lt;b&gt;x&amp;y&lt;\/b&gt;/);
    assert.match(markup, /&quot;T&quot; &lt;i&gt;/);
    assert.match(markup, /a&lt;b/);
    assert.match(markup, /c&gt;d/);
    assert.match(markup, /aria-label="&quot;T&quot; &lt;i&gt;"/);
  });

  it("log axis: powers of ten (and 2, 5 within two decades), non-positive values left out", () => {
    const wide = lineChart([{ name: "J", values: [1000, 100, 10, 1] }], { logY: true }).markup;
    for (const t of ["1", "10", "100", "1000"]) assert.match(wide, new RegExp(`text-anchor="end">${t}</text>`));
    const [l] = polylines(wide);
    assert.ok(Math.abs(l[0][1] - l[1][1] - (l[1][1] - l[2][1])) < 0.2, "equal steps per decade");
    const narrow = lineChart([{ name: "J", values: [40, 20, 0, 3] }], { logY: true }).markup;
    assert.match(narrow, /text-anchor="end">5<\/text>/);
    assert.match(narrow, /text-anchor="end">20<\/text>/);
    assert.deepEqual(polylines(narrow).map((p) => p.length), [2]);
    assert.throws(() => lineChart([{ name: "J", values: [0, -1] }], { logY: true }), /no finite values to draw \(a log axis needs positive values\)/);
  });

  it("a constant series or a single point still draws", () => {
    assert.match(lineChart([{ name: "c", values: [2, 2, 2] }]).markup, /<polyline/);
    assert.match(lineChart([{ name: "one", values: [5] }]).markup, /<circle/);
  });

  it("refuses what it cannot draw", () => {
    assert.throws(() => lineChart([]), /give at least one series/);
    assert.throws(() => lineChart([{ name: "a", values: [1, 2], x: [1] }]), /series 0 \("a"\) has 2 values but 1 x positions/);
    assert.throws(() => lineChart([{ name: "a", values: [NaN] }]), /no finite values to draw/);
    assert.throws(() => lineChart([{ name: "a", values: [1] }], { width: 50 }), /at least 120 x 80 pixels/);
  });
});
