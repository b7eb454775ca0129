import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { ImageDataset, Tensor, encodeImage, imageDatasetFromDirectory, type ImageDatasetOptions } from "../../src/index.js";
import { NumpyRandomState } from "../../src/data/numpy-random.js";
import { assertClose } from "../helpers/assert.js";

interface FixtureResult {
  file_paths: string[];
  class_names: string[] | null;
  labels: (number | number[])[] | null;
  first_batch?: { x: { shape: number[]; data: number[] }; y?: { shape: number[]; dtype: string; data: number[] } };
}
interface Fixture {
  files: { path: string; shape?: number[]; data?: number[]; text?: string }[];
  cases: { name: string; args: Record<string, unknown>; result: FixtureResult | { training: FixtureResult; validation: FixtureResult } }[];
}

const fixture = JSON.parse(
  readFileSync(join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "keras", "image_dataset.json"), "utf8"),
) as Fixture;

/** Keras' snake_case arguments as deepts options. */
function options(args: Record<string, unknown>): ImageDatasetOptions {
  const o: Record<string, unknown> = { verbose: false };
  for (const [k, v] of Object.entries(args)) o[k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())] = v;
  return o as ImageDatasetOptions;
}

async function collect(ds: ImageDataset): Promise<{ xs: Tensor[]; ys: Tensor[] }> {
  const xs: Tensor[] = [];
  const ys: Tensor[] = [];
  for await (const b of ds) {
    if (Array.isArray(b)) {
      xs.push(b[0]);
      ys.push(b[1]);
    } else xs.push(b);
  }
  return { xs, ys };
}

describe("imageDatasetFromDirectory against Keras 3", () => {
  let root = "";
  before(async () => {
    root = mkdtempSync(join(tmpdir(), "deepts-imgds-"));
    for (const f of fixture.files) {
      const path = join(root, f.path);
      mkdirSync(dirname(path), { recursive: true });
      if (f.text !== undefined) writeFileSync(path, f.text);
      else writeFileSync(path, await encodeImage(new Tensor(Float32Array.from(f.data!), f.shape!), { format: "png" }));
    }
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  const rel = (ds: ImageDataset) => ds.filePaths.map((p) => relative(root, p));

  for (const c of fixture.cases) {
    it(c.name, async () => {
      const out = await imageDatasetFromDirectory(root, options(c.args));
      if ("training" in c.result) {
        assert.ok(Array.isArray(out));
        const [train, val] = out as unknown as [ImageDataset, ImageDataset];
        assert.deepEqual(rel(train), c.result.training.file_paths);
        assert.deepEqual(rel(val), c.result.validation.file_paths);
        assert.deepEqual(train.classNames, c.result.training.class_names);
        // Inferred labels are the class folders of the files.
        for (const ds of [train, val])
          ds.filePaths.forEach((p, i) => assert.equal(ds.classNames![ds.labels![i]], relative(root, p).split("/")[0]));
        return;
      }
      const ds = out as ImageDataset;
      const want = c.result;
      assert.deepEqual(rel(ds), want.file_paths);
      assert.deepEqual(ds.classNames, want.class_names);
      if (want.labels && want.labels.length > 0 && !Array.isArray(want.labels[0])) assert.deepEqual([...ds.labels!], want.labels);
      if (want.first_batch) {
        const { xs, ys } = await collect(ds);
        const x = xs[0];
        assert.deepEqual(x.shape, want.first_batch.x.shape);
        // PNG pixels are exact; only the resize arithmetic (float32) may differ in the last bits.
        assertClose(x, new Tensor(Float32Array.from(want.first_batch.x.data), want.first_batch.x.shape), { rtol: 1e-5, atol: 1e-3 });
        if (want.first_batch.y) {
          const y = ys[0];
          assert.deepEqual(y.shape, want.first_batch.y.shape);
          assert.equal(y.dtype, want.first_batch.y.dtype);
          assert.deepEqual([...y.values], want.first_batch.y.data);
        }
      }
    });
  }

  it("loadAll returns every image in file order, as the batches do (unshuffled)", async () => {
    const ds = await imageDatasetFromDirectory(root, { shuffle: false, imageSize: [3, 5], batchSize: 3, verbose: false });
    const { x, y } = await ds.loadAll();
    const { xs, ys } = await collect(ds);
    assert.deepEqual(x.shape, [ds.size, 3, 5, 3]);
    assert.equal(xs.length, ds.cardinality);
    assert.deepEqual([...x.values], xs.flatMap((t) => [...t.values]));
    assert.deepEqual([...y!.values], ys.flatMap((t) => [...t.values]));
  });
});

describe("imageDatasetFromDirectory behaviour", () => {
  let root = "";
  before(async () => {
    root = mkdtempSync(join(tmpdir(), "deepts-imgds2-"));
    for (const [cls, value] of [["a", 10], ["b", 200]] as const)
      for (let i = 0; i < 5; i++) {
        mkdirSync(join(root, cls), { recursive: true });
        writeFileSync(join(root, cls, `${i}.png`), await encodeImage(new Tensor(new Float32Array(4 * 6 * 3).fill(value + i), [4, 6, 3])));
      }
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it("the training subset reshuffles every pass with the seed, and the labels follow their images", async () => {
    const [train, val] = await imageDatasetFromDirectory(root, { seed: 3, validationSplit: 0.2, subset: "both", batchSize: 8, imageSize: 4, verbose: false });
    assert.equal(train.size + val.size, 10);
    assert.equal(val.size, 2);
    const orders: string[] = [];
    for (let pass = 0; pass < 3; pass++) {
      const { xs, ys } = await collect(train);
      const pixels = xs.flatMap((x) => Array.from({ length: x.shape[0] }, (_, i) => x.values[i * 48]));
      const labels = ys.flatMap((y) => [...y.values]);
      pixels.forEach((p, i) => assert.equal(labels[i], p >= 200 ? 1 : 0));
      orders.push(pixels.join(","));
    }
    assert.ok(new Set(orders).size > 1, "the order should change between passes");
    const again = await imageDatasetFromDirectory(root, { seed: 3, validationSplit: 0.2, subset: "training", batchSize: 8, imageSize: 4, verbose: false });
    const { xs } = await collect(again);
    assert.equal(xs.flatMap((x) => Array.from({ length: x.shape[0] }, (_, i) => x.values[i * 48])).join(","), orders[0], "same seed, same first pass");
    const v1 = await collect(val);
    const v2 = await collect(val);
    assert.deepEqual([...v1.xs[0].values], [...v2.xs[0].values], "validation keeps its order");
  });

  it("batchSize null yields single images; channelsFirst moves the channels; grayscale has one", async () => {
    const ds = await imageDatasetFromDirectory(root, { batchSize: null, shuffle: false, imageSize: [2, 3], dataFormat: "channelsFirst", verbose: false });
    const { xs, ys } = await collect(ds);
    assert.equal(xs.length, 10);
    assert.deepEqual(xs[0].shape, [3, 2, 3]);
    assert.deepEqual(ys[0].shape, []);
    const g = await imageDatasetFromDirectory(root, { colorMode: "grayscale", shuffle: false, imageSize: 2, verbose: false });
    const { x } = await g.loadAll();
    assert.deepEqual(x.shape, [10, 2, 2, 1]);
    assert.ok(Math.abs(x.values[0] - 10) <= 1, `grey of a (10, 10, 10) image: ${x.values[0]}`);
  });

  it("binary labels are float [batch, 1]; verbose prints Keras' lines", async () => {
    const lines: string[] = [];
    const [t] = await imageDatasetFromDirectory(root, { labelMode: "binary", seed: 1, validationSplit: 0.3, subset: "both", imageSize: 2, log: (l) => lines.push(l) });
    assert.deepEqual(lines, ["Found 10 files belonging to 2 classes.", "Using 7 files for training.", "Using 3 files for validation."]);
    const { ys } = await collect(t);
    assert.deepEqual(ys[0].shape, [7, 1]);
    assert.equal(ys[0].dtype, "float32");
  });

  it("follows links to folders only with followLinks", async () => {
    const other = mkdtempSync(join(tmpdir(), "deepts-imgds-link-"));
    try {
      writeFileSync(join(other, "x.png"), await encodeImage(new Tensor(new Float32Array(12).fill(5), [2, 2, 3])));
      symlinkSync(other, join(root, "a", "linked"));
      const plain = await imageDatasetFromDirectory(root, { shuffle: false, imageSize: 2, verbose: false });
      const linked = await imageDatasetFromDirectory(root, { shuffle: false, imageSize: 2, followLinks: true, verbose: false });
      assert.equal(plain.size, 10);
      assert.equal(linked.size, 11);
      assert.ok(linked.filePaths.includes(join(root, "a", "linked", "x.png")));
    } finally {
      rmSync(join(root, "a", "linked"), { force: true });
      rmSync(other, { recursive: true, force: true });
    }
  });

  it("refuses bad arguments with Keras' reasons", async () => {
    const bad: [ImageDatasetOptions, RegExp][] = [
      [{ validationSplit: 0.2, subset: "training" }, /give a seed/],
      [{ validationSplit: 0.2 }, /validationSplit and subset together/],
      [{ validationSplit: 1.5, subset: "both", seed: 1 }, /between 0 and 1/],
      [{ labelMode: "sparse" as never }, /labelMode must be/],
      [{ colorMode: "cmyk" as never }, /colorMode/],
      [{ interpolation: "bicubic" as never }, /bilinear" or "nearest/],
      [{ imageSize: [0, 3] }, /imageSize/],
      [{ cropToAspectRatio: true, padToAspectRatio: true }, /not both/],
      [{ classNames: ["a", "zzz"] }, /no folder for zzz/],
      [{ labels: [0, 1] }, /2 labels for 10 files/],
      [{ validationSplit: 0.01, subset: "training", seed: 1 }, /no images found/],
    ];
    for (const [o, re] of bad) await assert.rejects(imageDatasetFromDirectory(root, { verbose: false, ...o }), re);
    await assert.rejects(imageDatasetFromDirectory(join(root, "nope"), { verbose: false }), /is not a folder/);
    const three = mkdtempSync(join(tmpdir(), "deepts-imgds3-"));
    try {
      for (const c of ["x", "y", "z"]) mkdirSync(join(three, c));
      await assert.rejects(imageDatasetFromDirectory(three, { labelMode: "binary", verbose: false }), /exactly 2 classes, found 3/);
    } finally {
      rmSync(three, { recursive: true, force: true });
    }
  });

  it("a corrupt image fails with its path when its batch is read", async () => {
    const dir = mkdtempSync(join(tmpdir(), "deepts-imgds4-"));
    try {
      mkdirSync(join(dir, "c"));
      writeFileSync(join(dir, "c", "bad.jpg"), Buffer.from("not a jpeg at all"));
      const ds = await imageDatasetFromDirectory(dir, { verbose: false, imageSize: 2 });
      await assert.rejects(collect(ds), /bad\.jpg/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("NumPy RandomState", () => {
  it("gives MT19937's outputs and RandomState.shuffle's order", () => {
    const r = new NumpyRandomState(42);
    // numpy: MT19937 legacy-seeded with 42, random_raw(2); RandomState(1337).shuffle(list(range(20))).
    assert.deepEqual([r.nextUint32(), r.nextUint32()], [1608637542, 3421126067]);
    assert.deepEqual(new NumpyRandomState(1337).shuffle([...Array(20).keys()]), [5, 3, 4, 0, 15, 11, 2, 12, 13, 1, 16, 17, 10, 14, 6, 9, 19, 18, 7, 8]);
    assert.throws(() => new NumpyRandomState(-1), /2\*\*32 - 1/);
  });
});
