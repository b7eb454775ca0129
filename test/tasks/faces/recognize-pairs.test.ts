import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { Tensor } from "../../../src/tensor/tensor.js";
import {
  PHOTO_VARIANTS, defaultFacePairsPath, embedLabelledFaces, facePairsPhotoPath, loadFacePairs, pairDistances, renderVariant,
} from "../../../src/tasks/faces/recognize-pairs.js";

const dir = mkdtempSync(join(tmpdir(), "deepts-pairs-"));
after(() => rmSync(dir, { recursive: true, force: true }));

describe("faces: labelled pairs", () => {
  it("data/faces-pairs.json: 22 faces in six photos, 225 consistent pairs, 2 of the same person, unsure pairs left out", () => {
    const p = loadFacePairs();
    assert.equal(Object.keys(p.photos).length, 6);
    assert.equal(p.faces.length, 22);
    assert.equal(p.pairs.length, 225);
    assert.deepEqual(p.pairs.filter((x) => x[2]).map((x) => [x[0], x[1]]), [["s1-f2", "s3-f2"], ["s4-f0", "s6-f1"]]);
    const key = (a: string, b: string): string => [a, b].sort().join("|");
    const listed = new Set(p.pairs.map(([a, b]) => key(a, b)));
    assert.equal(listed.size, 225, "no pair twice");
    for (const [a, b] of p.unsure) assert.ok(!listed.has(key(a, b)), `unsure ${a}/${b} is not labelled`);
    // Every other pair of faces is present: 22 * 21 / 2 = 231 = 225 + 6 unsure.
    assert.equal(225 + p.unsure.length, 231);
    for (const info of Object.values(p.photos)) assert.ok(existsSync(facePairsPhotoPath(defaultFacePairsPath(), info.path)), info.path);
  });

  it("refuses a pairs file whose labels contradict its identities", () => {
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({
      photos: { "a.jpg": { path: "a.jpg" } },
      faces: [{ id: "x", photo: "a.jpg", box: [0, 0, 1, 1], identity: "p1" }, { id: "y", photo: "a.jpg", box: [2, 2, 1, 1], identity: "p2" }],
      pairs: [["x", "y", true]],
    }));
    assert.throws(() => loadFacePairs(bad), /pairs\[0\] \(x, y\) says same=true but the identities say otherwise/);
    writeFileSync(bad, "{");
    assert.throws(() => loadFacePairs(bad), /cannot read it as JSON/);
  });

  it("renders photo variants and maps boxes into them", async () => {
    // A 4x6 RGB image whose red channel is the column index.
    const v = new Float32Array(4 * 6 * 3);
    for (let y = 0; y < 4; y++) for (let x = 0; x < 6; x++) v[(y * 6 + x) * 3] = 10 * x + y;
    const img = new Tensor(v, [4, 6, 3]);
    const box = { x: 1, y: 0, width: 2, height: 2 };
    const m = await renderVariant(img, "mirror");
    assert.equal(m.image.values[0], 50); // column 5 comes first
    assert.deepEqual(m.mapBox(box), { x: 3, y: 0, width: 2, height: 2 });
    const h = await renderVariant(img, "half");
    assert.deepEqual(h.image.shape, [2, 3, 3]);
    assert.equal(h.image.values[0], (0 + 10 + 1 + 11) / 4);
    assert.deepEqual(h.mapBox(box), { x: 0.5, y: 0, width: 1, height: 1 });
    const d = await renderVariant(img, "dark");
    assert.ok(Math.abs(d.image.values[3 * 5] - 255 * 0.5 * Math.pow(50 / 255, 1.5)) < 1e-4);
    const j = await renderVariant(img, "jpeg30");
    assert.deepEqual(j.image.shape, [4, 6, 3]);
    assert.deepEqual(PHOTO_VARIANTS, ["original", "mirror", "half", "jpeg30", "dark"]);
    await assert.rejects(renderVariant(img, "blur" as "dark"), /variant must be one of/);
  });

  it("matches labelled boxes to detections by IoU and measures the pairs' distances", async () => {
    // Detections are given here (the pipeline itself is tested in pipeline.test.ts): one labelled face of
    // sample1 is found, the others are not, and a detection that overlaps nothing is ignored.
    const pairs = loadFacePairs();
    const one = { ...pairs, photos: { "sample1.jpg": pairs.photos["sample1.jpg"] } };
    const [f0, f1] = pairs.faces.filter((f) => f.photo === "sample1.jpg");
    const box = (b: number[]) => ({ x: b[0] + 3, y: b[1] - 2, width: b[2], height: b[3] }); // IoU ~0.95
    const { descriptors, missing } = await embedLabelledFaces(one, {
      embed: () => [
        { box: box(f0.box), descriptor: new Float32Array([0, 0]) },
        { box: box(f1.box), descriptor: new Float32Array([3, 4]) },
        { box: { x: 0, y: 0, width: 5, height: 5 }, descriptor: new Float32Array([9, 9]) },
      ],
    });
    assert.deepEqual([...descriptors.keys()], [f0.id, f1.id]);
    assert.deepEqual(missing, ["s1-f2"]);
    assert.deepEqual(pairDistances(pairs, descriptors), [{ a: f0.id, b: f1.id, same: false, distance: 5 }]);
  });
});
