import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { defaultSize, parseStyleLayers } from "../../cli/commands/_style-run.js";
import { mul, randomUniform, readImage, writeImage } from "../../src/index.js";
import { randomMobileNetV2, writeFakeNsfwjs } from "../tasks/style/fake-nsfwjs.js";
import { run } from "./capture.js";

describe("deepts style", () => {
  const dir = mkdtempSync(join(tmpdir(), "deepts-style-"));
  const p = (f: string): string => join(dir, f);
  before(async () => {
    await writeImage(p("content.png"), mul(randomUniform([60, 80, 3], { seed: 1 }), 255));
    await writeImage(p("style.jpg"), mul(randomUniform([50, 50, 3], { seed: 2 }), 255));
    writeFileSync(p("corrupt.jpg"), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5]));
    writeFileSync(p("fake.h5"), "not hdf5");
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("runs end to end (VGG19, random weights): image, frames, JSON and CSV cost curves", async () => {
    const r = await run(["style", p("content.png"), p("style.jpg"), "-o", p("out/st.png"), "--weights", "random", "--size", "32x24", "--steps", "2", "--frames-every", "1", "--seed", "7", "--tv", "0.5"]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^style transfer content.png \+ style.jpg -> st.png at 32x24, vgg19 \(random weights, course input\), content layer block5_conv4, style layers block1_conv1:0.2,block2_conv1:0.2,block3_conv1:0.2,block4_conv1:0.2,block5_conv1:0.2, alpha 10, beta 40, tv 0.5, lr 0.01, seed 7, 2 steps\n/);
    assert.match(r.out, /wrote st.png \(32x24\): 2 steps in [\d.]+ s \([\d.]+ s\/step\); cost [\d.e+-]+ -> [\d.e+-]+; 2 frames st-0001.png...; cost curve in st.costs.json and .costs.csv\n$/);
    assert.match(r.err, /random weights: the costs are real, the picture will not be styled/);
    assert.match(r.err, /step 1\/2 - cost: \S+ - content: \S+ - style: \S+ - [\d.]+s\/step\nstep 2\/2/);
    assert.deepEqual(readdirSync(p("out")).sort(), ["st-0001.png", "st-0002.png", "st.costs.csv", "st.costs.json", "st.png"]);
    const img = await readImage(p("out/st.png"));
    assert.deepEqual([...img.shape], [24, 32, 3]);
    assert.deepEqual([...(await readImage(p("out/st-0002.png"))).values], [...img.values], "the last frame is the output");
    const json = JSON.parse(readFileSync(p("out/st.costs.json"), "utf8"));
    assert.equal(json.stepsDone, 2);
    assert.equal(json.seed, 7);
    assert.deepEqual(json.size, { width: 32, height: 24 });
    assert.equal(json.contentLayer, "block5_conv4");
    assert.deepEqual(json.frames, [{ file: "st-0001.png", step: 1 }, { file: "st-0002.png", step: 2 }]);
    assert.equal(json.history.length, 2);
    for (const h of json.history) {
      assert.ok(Number.isFinite(h.total) && h.total > 0);
      assert.ok(Math.abs(h.total - (10 * h.content + 40 * h.style + 0.5 * h.tv)) <= 1e-4 * h.total, "J = alpha Jc + beta Js + tv TV");
    }
    const csv = readFileSync(p("out/st.costs.csv"), "utf8").trim().split("\n");
    assert.equal(csv[0], "step,total,content,style,tv,seconds");
    assert.equal(csv.length, 3);
    assert.equal(Number(csv[2].split(",")[1]), json.history[1].total);
  });

  it("the same seed gives the same image", async () => {
    const args = (out: string): string[] => ["style", p("content.png"), p("style.jpg"), "-o", p(out), "--weights", "random", "--size", "16", "--steps", "1", "--seed", "3", "-q"];
    assert.equal((await run(args("a.png"))).code, 0);
    const r = await run(args("b.png"));
    assert.equal(r.code, 0);
    assert.equal(r.err.includes("step 1/1"), false, "--quiet: no progress");
    assert.deepEqual([...(await readImage(p("a.png"))).values], [...(await readImage(p("b.png"))).values]);
  });

  it("bad input: a clear message, the right exit code, nothing written", async () => {
    const c = p("content.png");
    const s = p("style.jpg");
    const o = p("bad/out.png");
    const cases: [string[], number, RegExp][] = [
      [[p("missing.jpg"), s, "-o", o, "--weights", "random"], 1, /CONTENT ".*missing.jpg": no such file/],
      [[c, p("corrupt.jpg"), "-o", o, "--weights", "random"], 1, /readImage: cannot decode ".*corrupt.jpg"/],
      [[c, s, "-o", o, "--backbone", "mobilenetv2", "--weights", "x.h5"], 2, /--weights is for --backbone vgg19/],
      [[c, s, "-o", o, "--weights", p("nope.h5")], 1, /--weights ".*nope.h5": no such file/],
      [[c, s, "-o", o, "--backbone", "vgg19"], 2, /--backbone vgg19 needs --weights vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5/],
      [[c, s, "-o", p("bad/out.gif"), "--weights", "random"], 2, /name the output .png, .jpg, .jpeg or .webp/],
      [[c, s, "-o", o, "--weights", "random", "--size", "400by300"], 2, /--size: image size must be WIDTHxHEIGHT/],
      [[c, s, "-o", o, "--weights", "random", "--steps", "0"], 2, /--steps must be at least 1/],
      [[c, s, "-o", o, "--weights", "random", "--style-layers", "block1_conv1:0.5,block2_conv1"], 2, /give a weight to every layer or to none/],
      [[c, s, "-o", o, "--weights", "random", "--content-layer", "block9_conv9", "--size", "16"], 1, /has no layer "block9_conv9"/],
      [[c, s, "-o", o, "--weights", "random", "--backbone", "resnet"], 2, /--backbone must be one of vgg19, mobilenetv2; got "resnet"/],
    ];
    for (const [argv, code, re] of cases) {
      const r = await run(["style", ...argv]);
      assert.equal(r.code, code, `${argv.join(" ")}: ${r.err}`);
      assert.match(r.err, re, argv.join(" "));
      assert.equal(r.out, "", `${argv.join(" ")}: nothing on stdout`);
    }
    assert.equal(existsSync(p("bad")), false, "nothing written");
  });

  it("the default backbone (nsfwjs' MobileNetV2; here a stand-in package with random weights)", async () => {
    writeFakeNsfwjs(p("nsfwjs"), randomMobileNetV2([64, 64, 3]));
    const saved = process.env.DEEPTS_NSFWJS_DIR;
    try {
      process.env.DEEPTS_NSFWJS_DIR = p("nsfwjs");
      const r = await run(["style", p("content.png"), p("style.jpg"), "-o", p("mb.png"), "--size", "64x48", "--steps", "2", "--seed", "1", "--lr", "0.05"]);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /at 64x48, mobilenetv2 \(nsfwjs 4.4.0 weights\), content layer block_13_expand_relu, style layers Conv1_relu:0.2,block_1_expand_relu:0.2,block_3_expand_relu:0.2,block_6_expand_relu:0.2,block_13_expand_relu:0.2,/);
      assert.deepEqual([...(await readImage(p("mb.png"))).shape], [48, 64, 3]);
      process.env.DEEPTS_NSFWJS_DIR = p("no-nsfwjs");
      const bad = await run(["style", p("content.png"), p("style.jpg"), "-o", p("bad/x.png")]);
      assert.equal(bad.code, 1);
      assert.match(bad.err, /DEEPTS_NSFWJS_DIR=".*no-nsfwjs" holds no model.min.js/);
      assert.equal(existsSync(p("bad")), false, "nothing written");
    } finally {
      if (saved === undefined) delete process.env.DEEPTS_NSFWJS_DIR;
      else process.env.DEEPTS_NSFWJS_DIR = saved;
    }
  });

  it("--style-layers and the default size", () => {
    assert.deepEqual(parseStyleLayers("block1_conv1:0.5, block3_conv1:1.5"), [["block1_conv1", 0.5], ["block3_conv1", 1.5]]);
    assert.deepEqual(parseStyleLayers("a,b,c,d"), [["a", 0.25], ["b", 0.25], ["c", 0.25], ["d", 0.25]]);
    assert.throws(() => parseStyleLayers("a:x"), /the weight of a must be a number, got "x"/);
    assert.throws(() => parseStyleLayers(" , "), /at least one layer name/);
    assert.deepEqual(defaultSize(600, 752), [319, 400]);
    assert.deepEqual(defaultSize(512, 512), [400, 400]);
    assert.deepEqual(defaultSize(1000, 10), [400, 4]);
  });
});
