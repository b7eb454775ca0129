import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { decodeImage, encodeImage, imageFormatOf, readImage, writeImage } from "../../src/io/images.js";
import { Tensor } from "../../src/index.js";

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, "..", "fixtures", "faces");
const faceApi = dirname(createRequire(import.meta.url).resolve("@vladmandic/face-api/package.json"));
const tmp = mkdtempSync(join(tmpdir(), "deepts-images-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** A deterministic test image [h, w, c] with values 0..255 (integers). */
function pattern(h: number, w: number, c: number): Tensor {
  const v = new Float32Array(h * w * c);
  for (let i = 0; i < v.length; i++) v[i] = (i * 37 + ((i / c) | 0) * 11) % 256;
  return new Tensor(v, [h, w, c]);
}

function meanAbsDiff(a: Tensor, b: Tensor): number {
  let s = 0;
  for (let i = 0; i < a.size; i++) s += Math.abs(a.values[i] - b.values[i]);
  return s / a.size;
}

describe("images: decode", () => {
  it("decodes a JPEG photo to [h, w, 3] float32 0..255, pixel-identical to the fixture's decode", async () => {
    const fx = JSON.parse(readFileSync(join(fixtures, "face_api.json"), "utf8"));
    const img = await readImage(join(faceApi, fx.photo.file));
    assert.deepEqual(img.shape, [fx.photo.height, fx.photo.width, 3]);
    assert.equal(img.dtype, "float32");
    const bytes = Uint8Array.from(img.values);
    assert.ok(img.values.every((v, i) => v === bytes[i]), "values are integers 0..255");
    assert.equal(createHash("sha256").update(bytes).digest("hex"), fx.photo.sha256);
  });

  it("decodes a PNG and honours channels and dtype", async () => {
    const bytes = readFileSync(join(fixtures, "crop-0.png"));
    const rgb = await decodeImage(bytes);
    assert.deepEqual(rgb.shape, [150, 150, 3]);
    const grey = await decodeImage(bytes, { channels: 1, dtype: "int32" });
    assert.deepEqual(grey.shape, [150, 150, 1]);
    assert.equal(grey.dtype, "int32");
    const rgba = await decodeImage(bytes, { channels: 4 });
    assert.deepEqual(rgba.shape, [150, 150, 4]);
    for (let p = 0; p < 150 * 150; p += 997) {
      assert.equal(rgba.values[4 * p + 3], 255, "opaque alpha added");
      for (let c = 0; c < 3; c++) assert.equal(rgba.values[4 * p + c], rgb.values[3 * p + c]);
    }
  });

  it("applies the EXIF orientation unless told not to", async () => {
    const raw = Buffer.alloc(2 * 3 * 3, 128);
    const jpeg = await sharp(raw, { raw: { width: 3, height: 2, channels: 3 } }).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    assert.deepEqual((await decodeImage(jpeg)).shape, [3, 2, 3]);
    assert.deepEqual((await decodeImage(jpeg, { autoOrient: false })).shape, [2, 3, 3]);
  });

  it("tells the format from the signature", () => {
    assert.equal(imageFormatOf(readFileSync(join(fixtures, "crop-0.png"))), "png");
    assert.equal(imageFormatOf(new Uint8Array([0xff, 0xd8, 0xff, 0xe0])), "jpeg");
    assert.equal(imageFormatOf(new TextEncoder().encode("RIFF\0\0\0\0WEBPVP8 ")), "webp");
    assert.equal(imageFormatOf(new TextEncoder().encode("hello world")), null);
    assert.equal(imageFormatOf(new Uint8Array(0)), null);
  });

  it("rejects what is not an image, truncated files and bad options with clear errors", async () => {
    await assert.rejects(decodeImage(new TextEncoder().encode("not an image at all")), /decodeImage: the bytes is not a JPEG, PNG or WebP image .*6e 6f 74/);
    await assert.rejects(decodeImage(new Uint8Array(0)), /\(empty\)/);
    const jpeg = readFileSync(join(faceApi, "demo", "sample1.jpg"));
    await assert.rejects(decodeImage(jpeg.subarray(0, 5000)), /decodeImage: cannot decode the bytes: .*premature end/i);
    const png = readFileSync(join(fixtures, "crop-0.png"));
    await assert.rejects(decodeImage(png.subarray(0, 3000)), /decodeImage: cannot decode the bytes/);
    await assert.rejects(readImage(join(tmp, "missing.jpg")), /readImage: cannot read ".*missing\.jpg"/);
    await assert.rejects(decodeImage(png, { channels: 2 as 1 }), /channels must be 1, 3 or 4/);
    await assert.rejects(decodeImage(png, { dtype: "bool" as "int32" }), /dtype must be/);
  });
});

describe("images: encode", () => {
  it("round-trips PNG exactly for 1, 3 and 4 channels, rounding and clipping floats", async () => {
    for (const c of [1, 3, 4]) {
      const img = pattern(7, 5, c);
      const back = await decodeImage(await encodeImage(img), { channels: c as 1 | 3 | 4 });
      assert.deepEqual(back.shape, [7, 5, c]);
      assert.deepEqual(Array.from(back.values), Array.from(img.values));
    }
    const wild = new Tensor(new Float32Array([-20, 0.4, 0.6, 254.5, 300, Number.NaN]), [1, 2, 3]);
    const back = await decodeImage(await encodeImage(wild));
    assert.deepEqual(Array.from(back.values), [0, 0, 1, 255, 255, 0]);
  });

  it("encodes a [h, w] tensor as a grey image", async () => {
    const img = pattern(4, 6, 1);
    const flat = new Tensor(img.values, [4, 6]);
    const back = await decodeImage(await encodeImage(flat), { channels: 1 });
    assert.deepEqual(Array.from(back.values), Array.from(img.values));
  });

  it("writes JPEG and WebP close to the original, the format taken from the file name", async () => {
    const smooth = new Float32Array(32 * 48 * 3);
    for (let y = 0; y < 32; y++) for (let x = 0; x < 48; x++) for (let c = 0; c < 3; c++) smooth[(y * 48 + x) * 3 + c] = 20 + 3 * x + 2 * y + 15 * c;
    const img = new Tensor(smooth, [32, 48, 3]);
    for (const [name, fmt] of [["a.jpg", "jpeg"], ["a.jpeg", "jpeg"], ["a.webp", "webp"], ["a.PNG", "png"]] as const) {
      const path = join(tmp, name);
      await writeImage(path, img, { quality: 95 });
      const bytes = readFileSync(path);
      assert.equal(imageFormatOf(bytes), fmt);
      const err = meanAbsDiff(await decodeImage(bytes), img);
      assert.ok(err < (fmt === "png" ? 1e-9 : 3), `${name}: mean abs error ${err}`);
    }
  });

  it("rejects bad shapes, dtypes, formats and file names", async () => {
    await assert.rejects(encodeImage(pattern(2, 2, 2)), /expected an image \[height, width, 1 \| 3 \| 4\], got \[2, 2, 2\]/);
    await assert.rejects(encodeImage(new Tensor(new Float32Array(0), [0, 3, 3])), /expected an image/);
    await assert.rejects(encodeImage(new Tensor(new Uint8Array(3), [1, 1, 3], "bool")), /bool/);
    await assert.rejects(encodeImage(pattern(2, 2, 3), { format: "gif" as "png" }), /format must be/);
    await assert.rejects(encodeImage(pattern(2, 2, 3), { format: "jpeg", quality: 0 }), /quality must be an integer 1\.\.100/);
    await assert.rejects(writeImage(join(tmp, "x.bmp"), pattern(2, 2, 3)), /cannot tell the format of ".*x\.bmp"/);
  });
});
