import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { decodeImage, findNsfwjs, readClassifierInfo } from "../../src/index.js";
import { syntheticImageFolder } from "../tasks/finetune/helpers.js";
import { writeStandInNsfwjs } from "../tasks/finetune/stand-in-nsfwjs.js";
import { run } from "./capture.js";
import { readFileSync } from "node:fs";

function realMissing(): string | false {
  try {
    findNsfwjs();
    return false;
  } catch {
    return "the npm package nsfwjs (the pretrained MobileNetV2) is not installed";
  }
}

describe("deepts finetune and deepts predict", () => {
  const dir = mkdtempSync(join(tmpdir(), "deepts-cli-ft-"));
  const p = (f: string): string => join(dir, f);
  let images = "";
  let standIn = "";
  const savedEnv = process.env.DEEPTS_NSFWJS_DIR;
  before(async () => {
    images = await syntheticImageFolder(["cats", "dogs"], 6, 36);
    mkdirSync(p("one-class/only"), { recursive: true });
    writeFileSync(p("corrupt.jpg"), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]));
    standIn = writeStandInNsfwjs().dir;
  });
  after(() => {
    if (savedEnv === undefined) delete process.env.DEEPTS_NSFWJS_DIR;
    else process.env.DEEPTS_NSFWJS_DIR = savedEnv;
    for (const d of [dir, images, standIn]) rmSync(d, { recursive: true, force: true });
  });

  it("runs end to end on the default (nsfwjs-layout) backbone: model with class names, curves, accuracies, then predict", async () => {
    process.env.DEEPTS_NSFWJS_DIR = standIn;
    const out = p("out/pets.keras");
    const r = await run(["finetune", images, "--out", out, "--epochs", "1", "--fine-tune-epochs", "1", "--image-size", "32", "--batch-size", "4", "--unfreeze", "10"]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^12 images in 2 classes \(cats, dogs\): 10 for training, 2 for validation\n/);
    assert.match(r.out, /phase 2: fine-tuning the top 10 of 154 backbone layers/);
    assert.match(r.out, /validation accuracy: [\d.]+% untrained, [\d.]+% before fine-tuning, [\d.]+% after \(2 images; [\d.]+ s\)\n/);
    assert.match(r.out, /wrote .*pets\.keras \(classes: cats, dogs\) and .*pets\.curves\.png\n$/);
    // Keras prints no "Epoch 1/1" for a one-epoch fit; the steps are known from the first epoch.
    assert.match(r.err, /^3\/3 - .*val_accuracy/, "progress on stderr");
    assert.match(r.err, /Epoch 2\/2\n3\/3 - /);
    assert.deepEqual(readdirSync(p("out")).sort(), ["pets.curves.png", "pets.keras"]);
    assert.deepEqual(readClassifierInfo(out), { classNames: ["cats", "dogs"], output: "sigmoid-logit", imageSize: [32, 32] });
    assert.deepEqual((await decodeImage(readFileSync(p("out/pets.curves.png")))).shape, [520, 640, 3]);

    const cat = join(images, "cats", "cats-00.png");
    const dog = join(images, "dogs", "dogs-03.png");
    const pr = await run(["predict", out, cat, dog]);
    assert.equal(pr.code, 0, pr.err);
    const lines = pr.out.trim().split("\n");
    assert.equal(lines.length, 6);
    assert.equal(lines[0], cat);
    assert.match(lines[1], /^ +[\d.]+%  (cats|dogs)$/);
    assert.equal(lines[3], dog);
    const sum = (a: string, b: string) => Number(a.trim().split("%")[0]) + Number(b.trim().split("%")[0]);
    assert.ok(Math.abs(sum(lines[1], lines[2]) - 100) < 0.2, "two classes, probabilities adding to 100%");
    const js = await run(["predict", out, cat, "-k", "1", "--json"]);
    assert.equal(js.code, 0, js.err);
    const parsed = JSON.parse(js.out) as { image: string; top: { className: string; probability: number }[] }[];
    assert.equal(parsed.length, 1);
    assert.equal(parsed[0].top.length, 1);
    assert.ok(["cats", "dogs"].includes(parsed[0].top[0].className));
  });

  it("--weights random builds MobileNetV2 without the pretrained package, and says it is for timing", async () => {
    process.env.DEEPTS_NSFWJS_DIR = join(dir, "nowhere");
    const r = await run(["finetune", images, "--out", p("rand.keras"), "--epochs", "1", "--fine-tune-epochs", "0", "--image-size", "32", "-q", "--weights", "random"]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /random weights: nothing pretrained to transfer/);
    assert.equal(r.err.includes("Epoch"), false, "--quiet: no progress");
    assert.ok(existsSync(p("rand.keras")));
  });

  it("bad input: a clear message, the right exit code, nothing written", async () => {
    process.env.DEEPTS_NSFWJS_DIR = standIn;
    const cases: [string[], number, RegExp][] = [
      [["finetune", p("missing")], 1, /DIR ".*missing": no such folder/],
      [["finetune", p("corrupt.jpg")], 1, /is not a folder/],
      [["finetune", p("one-class")], 1, /has 1 class subfolder\(s\); fine-tuning needs at least 2/],
      [["finetune", images, "--out", p("x.h5")], 2, /name the model file \.keras/],
      [["finetune", images, "--image-size", "16", "--out", p("x.keras")], 2, /--image-size must be at least 32/],
      [["finetune", images, "--epochs", "0", "--fine-tune-epochs", "0", "--out", p("x.keras")], 2, /nothing to train/],
      [["finetune", images, "--validation-split", "1.5", "--out", p("x.keras")], 2, /--validation-split must be between 0 and 1/],
      [["finetune", images, "--unfreeze", "200", "--out", p("x.keras")], 2, /at most 154/],
      [["finetune", images, "--weights", p("none.h5"), "--out", p("x.keras")], 1, /--weights .*none\.h5": no such file/],
      [["finetune", images, "--epoch", "3"], 2, /did you mean --epochs/],
      [["predict", p("missing.keras"), p("corrupt.jpg")], 1, /MODEL ".*missing\.keras": no such file/],
      [["predict", p("corrupt.jpg")], 2, /missing IMAGES/],
      [["predict", p("corrupt.jpg"), p("corrupt.jpg")], 1, /cannot load/],
    ];
    for (const [argv, code, re] of cases) {
      const r = await run(argv);
      assert.equal(r.code, code, `${argv.join(" ")}: ${r.err}`);
      assert.match(r.err, re, argv.join(" "));
    }
    assert.equal(existsSync(p("x.keras")), false);
    assert.equal(existsSync(p("x.h5")), false);
  });

  it("predict refuses a missing or corrupt image with its name", async () => {
    process.env.DEEPTS_NSFWJS_DIR = standIn;
    const model = p("small.keras");
    const t = await run(["finetune", images, "--out", model, "--epochs", "1", "--fine-tune-epochs", "0", "--image-size", "32", "-q"]);
    assert.equal(t.code, 0, t.err);
    const a = await run(["predict", model, p("nope.png")]);
    assert.equal(a.code, 1);
    assert.match(a.err, /image ".*nope\.png": no such file/);
    const b = await run(["predict", model, p("corrupt.jpg")]);
    assert.equal(b.code, 1);
    assert.match(b.err, /corrupt\.jpg/);
    const c = await run(["predict", model, join(images, "cats", "cats-00.png"), "-k", "0"]);
    assert.equal(c.code, 2);
  });

  it("with the real pretrained MobileNetV2, the classifier learns the face patches", { skip: realMissing() }, async () => {
    if (savedEnv === undefined) delete process.env.DEEPTS_NSFWJS_DIR;
    else process.env.DEEPTS_NSFWJS_DIR = savedEnv;
    const out = p("faces.keras");
    const r = await run(["finetune", join("data", "face-patches"), "--out", out, "--epochs", "2", "--fine-tune-epochs", "1", "--image-size", "64", "--batch-size", "16", "-q"]);
    assert.equal(r.code, 0, r.err);
    const m = /validation accuracy: ([\d.]+)% untrained, ([\d.]+)% before fine-tuning, ([\d.]+)% after/.exec(r.out);
    assert.ok(m, r.out);
    assert.ok(Number(m![3]) >= 80, `after fine-tuning ${m![3]}%`);
    const pr = await run(["predict", out, join("data", "face-patches", "face", "s5-f2-a.jpg"), "-k", "1"]);
    assert.equal(pr.code, 0, pr.err);
    assert.match(pr.out, /%  (face|no_face)\n$/);
  });
});
