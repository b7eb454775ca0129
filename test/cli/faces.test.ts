// `deepts faces` end to end on one of face-api's shipped photos (sample1.jpg: three faces) and crops of it:
// the real pipeline runs about ten times, on the native backend a few seconds in all.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { getBackend, readImage, reverse, slice, writeImage } from "../../src/index.js";
import { CALIBRATED_FACE_THRESHOLDS, FaceDatabase, faceEmbeddingModelId } from "../../src/tasks/faces/index.js";
import type { Tensor } from "../../src/tensor/tensor.js";
import { run } from "./capture.js";

const demo = join(dirname(createRequire(import.meta.url).resolve("@vladmandic/face-api/package.json")), "demo");
const photo = join(demo, "sample1.jpg");
// The pipeline takes about 0.5 s of CPU per photo on the native backend and 6 s on the js one.
const slow = getBackend() === "js" && "runs the face pipeline: needs the native backend to be quick";

describe("deepts faces", () => {
  const dir = mkdtempSync(join(tmpdir(), "deepts-faces-cli-"));
  const p = (f: string): string => join(dir, f);
  const db = p("house.db");
  let image: Tensor;
  const snapshot = (path = db): string => {
    const d = FaceDatabase.open(path, { readonly: true });
    const j = d.exportJSON();
    d.close();
    return JSON.stringify({ ...j, exportedAt: 0 });
  };
  before(async () => {
    image = await readImage(photo);
    // Crops around two of the three faces (the woman on the right, the one on the left), and a mirrored copy.
    const anna = slice(image, [80, 1376, 0], [460, 420, 3]);
    await writeImage(p("anna.jpg"), anna);
    await writeImage(p("anna-mirror.png"), reverse(anna, 1));
    await writeImage(p("bella.png"), slice(image, [250, 320, 0], [400, 360, 3]));
    await writeImage(p("grey.png"), slice(image, [0, 0, 0], [40, 40, 3])); // a patch of wall: no face
    writeFileSync(p("corrupt.jpg"), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5]));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("enrolls people from photos, one transaction each", { skip: slow }, async () => {
    const r = await run(["faces", "enroll", "anna", p("anna.jpg"), "--db", db]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^anna\.jpg: face at \d+,\d+ \d+x\d+ \(score 0\.\d\d\)\nenrolled anna: 1 face \(1 in all\) in .*house\.db, [\d.]+ s\n$/);
    assert.equal((await run(["faces", "enroll", "bella", p("bella.png"), "--db", db])).code, 0);
    const d = FaceDatabase.open(db, { readonly: true });
    assert.deepEqual(d.people().map((x) => [x.name, x.embeddings, x.model]), [["anna", 1, faceEmbeddingModelId()], ["bella", 1, faceEmbeddingModelId()]]);
    assert.equal(d.embeddings("anna")[0].source, "anna.jpg");
    d.close();
  });

  it("identifies every face in the photo and writes the annotated image", { skip: slow }, async () => {
    const r = await run(["faces", "identify", photo, "--db", db, "-o", p("named.png")]);
    assert.equal(r.code, 0, r.err);
    const lines = r.out.trim().split("\n");
    assert.equal(lines.length, 4, r.out);
    const byName = Object.fromEntries(lines.slice(0, 3).map((l) => [/: (\w+) \(/.exec(l)![1], l]));
    assert.deepEqual(Object.keys(byName).sort(), ["anna", "bella", "unknown"]);
    assert.match(byName.anna, /^face \d at 14\d\d,\d+ \d+x\d+: anna \(distance 0\.[0-2]\d\d\)$/);
    assert.match(byName.unknown, /: unknown \(nearest (anna|bella) at 0\.\d+\)$/);
    assert.match(lines[3], /^3 faces, 2 known, threshold 0\.434, in [\d.]+ s; annotated image: .*named\.png$/);
    // Boxes are drawn into the pixels: the annotated image is the photo except along boxes and labels, where
    // anna's box is green (known) and the unknown face's red.
    const out = await readImage(p("named.png"));
    assert.deepEqual(out.shape, image.shape);
    const faces = lines.slice(0, 3).map((l) => {
      const [, x, y, w, h, name] = /at (\d+),(\d+) (\d+)x(\d+): (\w+)/.exec(l)!.map((v, i) => (i > 0 && i < 5 ? Number(v) : v)) as [string, number, number, number, number, string];
      return { name, box: { x, y, width: w, height: h } };
    });
    const px = (t: Tensor, x: number, y: number): number[] => Array.from(t.values.slice((y * t.shape[1] + x) * 3, (y * t.shape[1] + x) * 3 + 3) as ArrayLike<number>);
    // One pixel inside the bottom edge (lines are at least 2 pixels wide, drawn inside the box).
    const edge = (f: (typeof faces)[number]): number[] => px(out, f.box.x + Math.round(f.box.width / 2), f.box.y + f.box.height - 2);
    assert.deepEqual(edge(faces.find((f) => f.name === "anna")!), [40, 200, 80]);
    assert.deepEqual(edge(faces.find((f) => f.name === "unknown")!), [230, 60, 50]);
    const inside = faces[0].box;
    const cx = Math.round(inside.x + inside.width / 2);
    const cy = Math.round(inside.y + inside.height / 2);
    assert.deepEqual(px(out, cx, cy), px(image, cx, cy).map(Math.round), "the face itself is untouched");
  });

  it("verifies a claimed identity: exit 0 when it is them, 3 when not", { skip: slow }, async () => {
    const yes = await run(["faces", "verify", "anna", p("anna-mirror.png"), "--db", db]);
    assert.equal(yes.code, 0, yes.err);
    assert.match(yes.out, /^anna: verified \(distance 0\.\d+ < threshold 0\.434\)\n$/);
    const no = await run(["faces", "verify", "bella", p("anna.jpg"), "--db", db, "--json"]);
    assert.equal(no.code, 3, no.err);
    const v = JSON.parse(no.out);
    // No threshold stored in the database: deepts' calibration for face-api's model.
    assert.deepEqual([v.name, v.match, v.threshold, v.faces], ["bella", false, CALIBRATED_FACE_THRESHOLDS[faceEmbeddingModelId()], 1]);
    assert.ok(v.distance >= 0.434);
    const id = await run(["faces", "identify", p("anna-mirror.png"), "--db", db, "--json", "--no-annotate"]);
    const j = JSON.parse(id.out);
    assert.deepEqual([j.faces.length, j.faces[0].name, j.faces[0].nearest, j.annotated], [1, "anna", "anna", null]);
    assert.ok(j.faces[0].distance < 0.434 && j.faces[0].score > 0.5 && j.faces[0].box.width > 50);
    // A stricter threshold turns the yes into a no.
    assert.equal((await run(["faces", "verify", "anna", p("anna-mirror.png"), "--db", db, "--threshold", "0.01"])).code, 3);
  });

  it("refuses bad input with a clear message and changes nothing", async () => {
    // A database filled through the library (no pipeline needed).
    const lib = p("lib.db");
    const d = FaceDatabase.open(lib);
    d.enroll("anna", faceEmbeddingModelId(), [{ descriptor: new Float32Array(128).fill(0.01) }]);
    d.enroll("bella", faceEmbeddingModelId(), [{ descriptor: new Float32Array(128).fill(-0.01) }]);
    d.close();
    const before = snapshot(lib);
    const cases: [string[], number, RegExp][] = [
      [["enroll", "carl", p("missing.jpg")], 1, /IMAGE ".*missing\.jpg": no such file/],
      [["enroll", "carl", p("bella.png"), p("corrupt.jpg")], 1, /"[^"]*corrupt\.jpg" is not a readable image: cannot decode/],
      [["enroll", "unknown", p("bella.png")], 2, /"unknown" is what identification answers/],
      [["verify", "zed", p("anna.jpg")], 1, /nobody named "zed" in .*lib\.db" \(enrolled: anna, bella\)/],
      [["remove", "zed"], 1, /nobody named "zed"/],
      [["identify", p("corrupt.jpg")], 1, /is not a readable image/],
      [["identify", photo, "-o", p("out.gif")], 2, /name the annotated image \.png, \.jpg, \.jpeg or \.webp/],
      [["verify", "anna", p("anna.jpg"), "--threshold", "-1"], 2, /--threshold must be positive/],
      [["import", p("missing.json")], 1, /FILE ".*missing\.json": no such file/],
    ];
    for (const [argv, code, re] of cases) {
      const r = await run(["faces", ...argv, "--db", lib]);
      assert.equal(r.code, code, `${argv.join(" ")}: ${r.err}`);
      assert.match(r.err, re, argv.join(" "));
      assert.doesNotMatch(r.err, /\n\s+at /, "no stack trace");
    }
    assert.equal(snapshot(lib), before, "the database is unchanged");
    const none = await run(["faces", "list", "--db", p("nothing.db")]);
    assert.equal(none.code, 1);
    assert.match(none.err, /no face database at .*nothing\.db.*enroll someone first/);
    assert.equal((await run(["faces", "remove", "anna", "--db", p("nothing.db")])).code, 1);
    assert.equal(existsSync(p("nothing.db")), false, "reading or removing does not create a database");
  });

  it("refuses photos without a face, or with several when enrolling, changing nothing", { skip: slow }, async () => {
    const before = snapshot();
    const cases: [string[], RegExp][] = [
      [["enroll", "carl", p("grey.png"), p("bella.png")], /no face found in ".*grey\.png"; nothing was enrolled/],
      [["enroll", "carl", photo], /sample1\.jpg" has 3 faces; crop it to carl's face or pass --largest; nothing was enrolled/],
      [["verify", "anna", p("grey.png")], /no face found in ".*grey\.png"/],
    ];
    for (const [argv, re] of cases) {
      const r = await run(["faces", ...argv, "--db", db]);
      assert.equal(r.code, 1, `${argv.join(" ")}: ${r.err}`);
      assert.match(r.err, re, argv.join(" "));
    }
    assert.equal(snapshot(), before, "the database is unchanged");
  });

  it("refuses a database written with another embedding model, before any work", async () => {
    const other = p("other.db");
    const d = FaceDatabase.open(other);
    d.enroll("olga", "dlib.resnet/v1", [{ descriptor: new Float32Array(128).fill(0.1) }]);
    d.close();
    const before = snapshot(other);
    const msg = /holds descriptors of the embedding model "dlib\.resnet\/v1", but these come from "face-api\.faceRecognitionNet\/sha256:[0-9a-f]{12}"; descriptors of different models cannot be compared/;
    for (const argv of [["enroll", "anna", p("anna.jpg")], ["verify", "olga", p("anna.jpg")], ["identify", p("anna.jpg"), "--no-annotate"]]) {
      const r = await run(["faces", ...argv, "--db", other]);
      assert.equal(r.code, 1, argv.join(" "));
      assert.match(r.err, msg);
    }
    assert.equal(snapshot(other), before);
  });

  it("lists, exports, imports and removes", async () => {
    const lib = p("lib.db"); // filled by the bad-input test through the library
    const l = await run(["faces", "list", "--db", lib]);
    assert.match(l.out, /^name +faces +enrolled\nanna +1 +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\nbella +1 .*\n2 people; model face-api\.faceRecognitionNet\/sha256:\w+; threshold 0\.434 \(calibrated by deepts\)\n$/);
    assert.equal(JSON.parse((await run(["faces", "list", "--db", lib, "--json"])).out).people.length, 2);
    assert.equal((await run(["faces", "export", "--db", lib, "-o", p("lib.json")])).code, 0);
    const copy = p("copy.db");
    assert.match((await run(["faces", "import", p("lib.json"), "--db", copy])).out, /imported 2 people \(2 faces\)/);
    assert.equal(snapshot(copy), snapshot(lib), "the copy equals the original");
    const again = await run(["faces", "import", p("lib.json"), "--db", copy]);
    assert.equal(again.code, 1);
    assert.match(again.err, /already enrolled: anna, bella; nothing was imported \(--on-conflict append or replace\)/);
    assert.equal((await run(["faces", "import", p("lib.json"), "--db", copy, "--on-conflict", "append"])).code, 0);
    writeFileSync(p("bad.json"), "{ not json");
    assert.match((await run(["faces", "import", p("bad.json"), "--db", copy])).err, /bad\.json" is not JSON/);
    writeFileSync(p("wrong.json"), JSON.stringify({ format: "deepts-faces", version: 1, people: [{ name: "x", embeddings: [] }] }));
    assert.match((await run(["faces", "import", p("wrong.json"), "--db", copy])).err, /wrong\.json: people\[0\] \("x"\): "embeddings" must be a non-empty array/);
    const r = await run(["faces", "remove", "bella", "--db", copy]);
    assert.equal(r.out, `removed bella (2 faces) from ${copy}\n`);
    assert.match((await run(["faces", "list", "--db", copy])).out, /\n1 person;/);
    assert.equal((await run(["faces", "list", "--db", p("empty.db")])).code, 1);
    assert.ok(statSync(copy).size > 0);
  });

  it("calibrates the threshold on labelled pairs and stores it for verify and identify", { skip: slow }, async () => {
    // Three photos: anna, anna mirrored (the same person) and bella; boxes from the enrolled faces.
    const d = FaceDatabase.open(db, { readonly: true });
    const [a] = d.embeddings("anna");
    const [b] = d.embeddings("bella");
    d.close();
    const ab = a.box!;
    const pairs = {
      photos: { "anna.jpg": { path: p("anna.jpg") }, "anna-mirror.png": { path: p("anna-mirror.png") }, "bella.png": { path: p("bella.png") } },
      faces: [
        { id: "a", photo: "anna.jpg", box: ab, identity: "anna" },
        { id: "m", photo: "anna-mirror.png", box: [420 - ab[0] - ab[2], ab[1], ab[2], ab[3]], identity: "anna" },
        { id: "b", photo: "bella.png", box: b.box, identity: "bella" },
      ],
      pairs: [["a", "m", true], ["a", "b", false], ["m", "b", false]],
    };
    writeFileSync(p("pairs.json"), JSON.stringify(pairs));
    const r = await run(["faces", "calibrate", p("pairs.json"), "--db", db, "--save", "--json"]);
    assert.equal(r.code, 0, r.err);
    const c = JSON.parse(r.out);
    assert.deepEqual([c.sets.photos.positives, c.sets.photos.negatives, c.sets.photos.auc, c.sets.photos.accuracy], [1, 2, 1, 1]);
    const dist = Object.fromEntries(c.pairDistances.map((x: { a: string; b: string; distance: number }) => [x.a + x.b, x.distance]));
    assert.ok(dist.am < c.threshold && c.threshold < Math.min(dist.ab, dist.mb), JSON.stringify(dist));
    assert.equal(c.saved, db);
    assert.match((await run(["faces", "list", "--db", db])).out, new RegExp(`threshold ${c.threshold} \\(calibrated, stored in the database\\)`));
    const v = JSON.parse((await run(["faces", "verify", "anna", p("anna-mirror.png"), "--db", db, "--json"])).out);
    assert.equal(v.threshold, c.threshold);
    const text = await run(["faces", "calibrate", p("pairs.json"), "--db", db]);
    assert.match(text.out, /\nphotos +1 +2 +1\.000 +0\.\d{3} +100\.0% +100\.0%/);
    assert.match(readFileSync(p("pairs.json"), "utf8"), /anna-mirror/);
  });
});
