// Canvas: rectangles, text from the embedded font, labelled boxes, channels, clipping and refusals.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Canvas, GLYPH_CELL, Tensor, measureText, zeros } from "../../../src/index.js";
import { glyphMask } from "../../../src/tasks/report/font.js";

function grey(h: number, w: number, v = 100, c = 3): Tensor {
  return new Tensor(new Float32Array(h * w * c).fill(v), [h, w, c]);
}

function px(t: Tensor, x: number, y: number): number[] {
  const c = t.shape[2];
  const i = (y * t.shape[1] + x) * c;
  return Array.from(t.values.subarray(i, i + c));
}

/** Bounding box of the pixels that differ from `bg` in channel 0. */
function inkBox(t: Tensor, bg: number): { x0: number; y0: number; x1: number; y1: number; count: number } | null {
  const [h, w, c] = t.shape;
  let x0 = Infinity, y0 = Infinity, x1 = -1, y1 = -1, count = 0;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      if (t.values[(y * w + x) * c] !== bg) {
        count++;
        x0 = Math.min(x0, x);
        y0 = Math.min(y0, y);
        x1 = Math.max(x1, x);
        y1 = Math.max(y1, y);
      }
  return count === 0 ? null : { x0, y0, x1, y1, count };
}

describe("font", () => {
  it("every printable character but space has ink; others draw as '?'", () => {
    for (let code = 33; code <= 126; code++) assert.ok(glyphMask(String.fromCharCode(code)).some((v) => v > 0), `glyph ${code}`);
    assert.ok(glyphMask(" ").every((v) => v === 0));
    assert.equal(glyphMask("é"), glyphMask("?"));
    assert.equal(glyphMask(" ").length, GLYPH_CELL.width * GLYPH_CELL.height);
  });

  it("glyphs sit the right way up: _ at the bottom, ' at the top, - in the middle", () => {
    const rows = (ch: string) => {
      const m = glyphMask(ch);
      const r: number[] = [];
      for (let y = 0; y < GLYPH_CELL.height; y++) if (m.subarray(y * GLYPH_CELL.width, (y + 1) * GLYPH_CELL.width).some((v) => v > 0.5)) r.push(y);
      return r;
    };
    assert.ok(Math.min(...rows("_")) > GLYPH_CELL.baseline, `_ rows ${rows("_")}`);
    assert.ok(Math.max(...rows("'")) < GLYPH_CELL.height / 2, `' rows ${rows("'")}`);
    const dash = rows("-");
    assert.ok(dash.every((y) => y > 5 && y < GLYPH_CELL.baseline), `- rows ${dash}`);
    assert.ok(rows("g").some((y) => y > GLYPH_CELL.baseline), "g descends below the baseline");
    assert.ok(rows("x").every((y) => y <= GLYPH_CELL.baseline), "x sits on the baseline");
  });
});

describe("Canvas", () => {
  it("copies the image: the input tensor is left alone, toTensor is a new float32 tensor", () => {
    const img = grey(4, 5);
    const c = new Canvas(img);
    c.fillRect({ x: 0, y: 0, width: 5, height: 4 }, [1, 2, 3]);
    const out = c.toTensor();
    assert.deepEqual(px(img, 0, 0), [100, 100, 100]);
    assert.deepEqual(px(out, 4, 3), [1, 2, 3]);
    assert.deepEqual(out.shape, [4, 5, 3]);
    assert.equal(out.dtype, "float32");
  });

  it("fillRect and strokeRect cover exactly their pixels, clipped to the image", () => {
    const c = new Canvas(grey(10, 12, 0));
    c.strokeRect({ x: 2, y: 1, width: 6, height: 5 }, [255, 0, 0], 2);
    const t = c.toTensor();
    for (let y = 0; y < 10; y++)
      for (let x = 0; x < 12; x++) {
        const inside = x >= 2 && x < 8 && y >= 1 && y < 6;
        const interior = x >= 4 && x < 6 && y >= 3 && y < 4;
        assert.equal(px(t, x, y)[0], inside && !interior ? 255 : 0, `(${x}, ${y})`);
      }
    const d = new Canvas(grey(4, 4, 0));
    d.fillRect({ x: -3, y: 2, width: 100, height: 100 }, [9, 9, 9]);
    assert.equal(inkBox(d.toTensor(), 0)!.count, 8);
  });

  it("text: ink inside the measured box, colour and background as asked, scale multiplies the size", () => {
    const t1 = new Canvas(grey(40, 120, 0)).text("Ab1", 3, 4);
    assert.deepEqual(t1, { x: 2, y: 3, width: 3 * 9 + 2, height: 18 + 2 });
    assert.deepEqual(measureText("Ab1"), { width: 27, height: 18 });
    assert.deepEqual(measureText("Ab1", 3), { width: 81, height: 54 });

    const c = new Canvas(grey(40, 120, 0));
    c.text("Ab1", 3, 4, { color: [255, 255, 255] });
    const ink = inkBox(c.toTensor(), 0)!;
    assert.ok(ink.x0 >= 3 && ink.x1 < 3 + 27 && ink.y0 >= 4 && ink.y1 < 4 + 18, JSON.stringify(ink));

    const big = new Canvas(grey(80, 120, 0));
    big.text("Ab1", 3, 4, { color: [255, 255, 255], scale: 2 });
    const inkBig = inkBox(big.toTensor(), 0)!;
    assert.equal(inkBig.x0 - 3, 2 * (ink.x0 - 3));
    assert.equal(inkBig.count, 4 * ink.count, "each font pixel becomes 2x2");

    const bg = new Canvas(grey(40, 120, 0));
    bg.text("A", 10, 10, { background: [0, 0, 200], color: [255, 255, 0] });
    const out = bg.toTensor();
    assert.deepEqual(px(out, 9, 9), [0, 0, 200], "background padded by one pixel");
    assert.deepEqual(px(out, 8, 8), [0, 0, 0]);
    const inked = [...Array(18).keys()].flatMap((y) => [...Array(9).keys()].map((x) => px(out, 10 + x, 10 + y)));
    assert.ok(inked.some((p) => p[0] === 255 && p[1] === 255 && p[2] === 0), "fully covered pixels take the text colour");
  });

  it("labelledBox: the label strip sits on the box's top edge, or inside it at the image top", () => {
    const c = new Canvas(grey(200, 300, 0));
    c.labelledBox({ x: 50, y: 80, width: 100, height: 60 }, "p01 0.31", { color: [0, 255, 0], thickness: 2, scale: 1 });
    const t = c.toTensor();
    assert.deepEqual(px(t, 50, 80), [0, 255, 0], "box corner");
    assert.deepEqual(px(t, 100, 110), [0, 0, 0], "inside the box untouched");
    assert.deepEqual(px(t, 50, 60), [0, 255, 0], "label strip above the box");
    assert.deepEqual(px(t, 50, 59), [0, 0, 0]);

    const top = new Canvas(grey(200, 300, 0));
    top.labelledBox({ x: 50, y: 5, width: 100, height: 60 }, "unknown", { color: [0, 255, 0], thickness: 2, scale: 1 });
    const tt = top.toTensor();
    assert.deepEqual(px(tt, 52, 8), [0, 255, 0], "strip inside the box");
    assert.deepEqual(px(tt, 50, 3), [0, 0, 0], "nothing above the box");
  });

  it("labelledBox picks dark text on a light colour and keeps the label inside the image", () => {
    const c = new Canvas(grey(100, 120, 0));
    c.labelledBox({ x: 100, y: 50, width: 15, height: 20 }, "a long label", { color: [255, 255, 255], scale: 1 });
    const t = c.toTensor();
    // 12 characters (108 px) do not fit right of x = 100: the strip is shifted left to end inside the image.
    const strip = [...Array(120).keys()].filter((x) => px(t, x, 31)[0] === 255);
    assert.ok(strip.length >= 108 && strip[0] <= 120 - 108 - 1, `strip from ${strip[0]} to ${strip.at(-1)}`);
    let darkText = false;
    for (let x = 0; x < 120; x++) if (px(t, x, 40)[0] === 0 && px(t, Math.max(0, x - 1), 40)[0] === 255) darkText = true;
    assert.ok(darkText, "black glyph pixels inside the white strip");
  });

  it("greyscale and RGBA images", () => {
    const g = new Canvas(grey(6, 6, 0, 1));
    g.fillRect({ x: 0, y: 0, width: 1, height: 1 }, [255, 255, 255]);
    const gt = g.toTensor();
    assert.deepEqual(gt.shape, [6, 6, 1]);
    assert.ok(Math.abs(gt.values[0] - 255) < 1e-3);
    const a = new Canvas(grey(3, 3, 7, 4));
    a.fillRect({ x: 1, y: 1, width: 1, height: 1 }, [1, 2, 3]);
    assert.deepEqual(px(a.toTensor(), 1, 1), [1, 2, 3, 7], "alpha kept");
  });

  it("refuses bad images, colours and scales", () => {
    assert.throws(() => new Canvas(zeros([4, 4])), /Canvas: expected an image \[height, width, 1 \| 3 \| 4\] with values 0\.\.255, got \[4, 4\]/);
    assert.throws(() => new Canvas(zeros([4, 4, 2])), /got \[4, 4, 2\]/);
    const c = new Canvas(grey(4, 4));
    assert.throws(() => c.fillRect({ x: 0, y: 0, width: 1, height: 1 }, [0, 0, 300]), /Canvas\.fillRect: a colour is \[r, g, b\] with each channel in 0\.\.255/);
    assert.throws(() => c.strokeRect({ x: 0, y: 0, width: 1, height: 1 }, [0, 0] as never), /a colour is/);
    assert.throws(() => c.text("a", 0, 0, { scale: 1.5 }), /scale must be an integer 1\.\.64, got 1\.5/);
    assert.throws(() => c.strokeRect({ x: 0, y: 0, width: 1, height: 1 }, [0, 0, 0], 0), /thickness must be at least 1/);
  });
});
