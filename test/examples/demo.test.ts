// Runs the demo (npm start) in fast mode into a temporary folder and checks the report and its files.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { FaceDatabase, readImage } from "../../src/index.js";
import { type DemoResult, main } from "../../examples/demo.js";

describe("demo (npm start), fast", () => {
  let dir: string;
  let r: DemoResult;
  const lines: string[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "deepts-demo-"));
    mkdirSync(join(dir, "out"));
    writeFileSync(join(dir, "out", "notes.txt"), "mine");
    writeFileSync(join(dir, "out", "style-step-999.png"), "stale");
    r = await main({ fast: true, outDir: join(dir, "out"), log: (l) => void lines.push(l) });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("prints each stage with its timing and the report's path", () => {
    for (const s of ["[1/3] Training the Happy House model", "[2/3] Face recognition", "[3/3] Neural style transfer"])
      assert.ok(lines.some((l) => l.startsWith(s)), s);
    assert.equal(lines.filter((l) => /^ {2}done in \d+\.\d s$/.test(l)).length, 3);
    assert.ok(lines.some((l) => /^Epoch 3\/3$/.test(l)), "fit's progress lines");
    assert.ok(lines.some((l) => /^19\/19 - .* - val_accuracy: \d\.\d{4} - val_loss: \d\.\d{4}$/.test(l)), "Keras' epoch line with validation");
    assert.ok(lines.includes(`report: ${r.reportPath}`));
    assert.deepEqual(r.timings.map((t) => t.stage), ["Training the Happy House model", "Face recognition: enroll and identify", "Neural style transfer"]);
    assert.ok(r.totalSeconds >= r.timings.reduce((a, t) => a + t.seconds, 0) - 0.01);
  });

  it("writes index.html with the three sections, inline SVG charts and every image it shows", () => {
    assert.equal(r.reportPath, join(dir, "out", "index.html"));
    const html = readFileSync(r.reportPath, "utf8");
    for (const h of ["1. Training: the Happy House model", "2. Face recognition: enroll, then identify", "3. Neural style transfer", "Run"])
      assert.match(html, new RegExp(`<h2>${h.replace(/[.()]/g, "\\$&")}`));
    assert.equal((html.match(/<svg /g) ?? []).length, 3, "loss, accuracy and cost charts");
    assert.match(html, /aria-label="Loss"[^]*>val_loss</);
    const srcs = [...html.matchAll(/<img src="([^"]+)"/g)].map((m) => decodeURIComponent(m[1]));
    assert.ok(srcs.length >= 6, `${srcs.length} images`);
    for (const s of srcs) assert.ok(existsSync(join(r.outDir, s)), `${s} exists`);
    for (const f of [...r.happy.files, ...r.faces.files, ...r.style.files]) assert.ok(srcs.includes(f), `${f} is shown`);
    assert.ok(existsSync(join(dir, "out", "notes.txt")), "other files in the folder are left alone");
    assert.ok(!existsSync(join(dir, "out", "style-step-999.png")), "the last run's report files are replaced");
  });

  it("trains the Happy model: 3 epochs of curves, held-out accuracy", () => {
    assert.equal(r.happy.epochs, 3);
    for (const k of ["loss", "accuracy", "val_loss", "val_accuracy"]) assert.equal(r.happy.history[k].length, 3, k);
    assert.ok(r.happy.history.loss[2] < r.happy.history.loss[0]);
    assert.ok(r.happy.test[1] >= 0.9, `held-out accuracy ${r.happy.test[1]}`);
  });

  it("enrolls three people in a SQLite database and names them in the mirrored, darkened photo", async () => {
    assert.deepEqual(r.faces.enrolled.map((e) => e.name).sort(), ["p01", "p02", "p03"]);
    const db = FaceDatabase.open(r.faces.database, { readonly: true });
    try {
      assert.deepEqual(db.people().map((p) => p.name).sort(), ["p01", "p02", "p03"]);
    } finally {
      db.close();
    }
    assert.equal(r.faces.verdicts.length, 3);
    for (const v of r.faces.verdicts) {
      assert.equal(v.name, v.truth, JSON.stringify(v));
      assert.ok(v.distance < r.faces.threshold);
    }
    const html = readFileSync(r.reportPath, "utf8");
    assert.match(html, /<td>sample1\.jpg mirrored, dark<\/td><td>s1-f0<\/td><td>p01<\/td><td>p01<\/td>/);
    // The annotated photo: 1024 px wide at most, with green label strips drawn into the pixels.
    const img = await readImage(join(r.outDir, "identified-sample1-mirror-dark.jpg"));
    assert.ok(img.shape[1] <= 1024 && img.shape[1] >= 900, `width ${img.shape[1]}`);
    let green = 0;
    for (let i = 0; i < img.size; i += 3) if (img.values[i + 1] > 170 && img.values[i] < 90 && img.values[i + 2] < 120) green++;
    assert.ok(green > 2000, `${green} green pixels`);
    const enrolled = await readImage(join(r.outDir, "enrolled-sample1.jpg"));
    let blue = 0;
    for (let i = 0; i < enrolled.size; i += 3) if (enrolled.values[i + 2] > 180 && enrolled.values[i] < 90) blue++;
    assert.ok(blue > 1000, `${blue} blue pixels`);
  });

  it("runs a small style transfer and writes its images", async () => {
    assert.equal(r.style.steps, 4);
    assert.equal(r.style.costs.length, 4);
    assert.ok(r.style.costs.every((c) => Number.isFinite(c.total) && c.total > 0));
    const out = await readImage(join(r.outDir, "style-result.png"));
    const content = await readImage(join(r.outDir, "style-content.png"));
    assert.deepEqual(out.shape, [48, 64, 3]);
    let diff = 0;
    for (let i = 0; i < out.size; i++) diff += Math.abs(out.values[i] - content.values[i]);
    assert.ok(diff / out.size > 1, `mean change ${diff / out.size} of 255`);
    const html = readFileSync(r.reportPath, "utf8");
    assert.ok(html.includes(r.style.backbone.replace(/'/g, "&#39;")), "the report names the network used");
    assert.match(r.style.backbone, /nsfwjs/, "the shipped pretrained MobileNetV2 is the backbone");
  });
});
