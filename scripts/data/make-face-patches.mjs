// Builds data/face-patches/: 128x128 JPEG crops of the six demo photos of @vladmandic/face-api 1.7.15 (MIT),
// in two classes, for the transfer-learning example and the `deepts finetune` tests:
//   face/     three crops around each of the 22 faces labelled in data/faces-pairs.json (scales 1.2, 1.5, 1.85
//             of the face box, centre jittered), 66 images;
//   no_face/  11 squares per photo (side 160..480 px) that hold at most 12% of any labelled face, 66 images
//             (bodies, hands, hair, clothes, furniture, walls), each checked by eye after generation.
// Deterministic (a fixed-seed generator); run from the repository root: node scripts/data/make-face-patches.mjs
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";

const OUT = "data/face-patches";
const SIZE = 128;
const QUALITY = 82;
const labels = JSON.parse(readFileSync("data/faces-pairs.json", "utf8"));

// mulberry32: small and reproducible.
let state = 20240611;
function rand() {
  state = (state + 0x6d2b79f5) | 0;
  let t = Math.imul(state ^ (state >>> 15), 1 | state);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

function clampSquare(cx, cy, side, w, h) {
  side = Math.min(Math.round(side), w, h);
  const left = Math.min(Math.max(0, Math.round(cx - side / 2)), w - side);
  const top = Math.min(Math.max(0, Math.round(cy - side / 2)), h - side);
  return { left, top, width: side, height: side };
}

function overlap(a, b) {
  const x = Math.max(0, Math.min(a.left + a.width, b[0] + b[2]) - Math.max(a.left, b[0]));
  const y = Math.max(0, Math.min(a.top + a.height, b[1] + b[3]) - Math.max(a.top, b[1]));
  return (x * y) / (b[2] * b[3]);
}

async function crop(photo, region, path) {
  await sharp(photo).rotate().extract(region).resize(SIZE, SIZE, { kernel: "lanczos3" }).jpeg({ quality: QUALITY }).toFile(path);
}

rmSync(OUT, { recursive: true, force: true });
mkdirSync(join(OUT, "face"), { recursive: true });
mkdirSync(join(OUT, "no_face"), { recursive: true });
const photos = Object.keys(labels.photos);
let faces = 0;
let others = 0;
for (const name of photos) {
  const path = labels.photos[name].path;
  const { width: w, height: h } = await sharp(path).rotate().metadata();
  const boxes = labels.faces.filter((f) => f.photo === name);
  for (const f of boxes) {
    const [x, y, bw, bh] = f.box;
    for (const [k, scale] of [1.2, 1.5, 1.85].entries()) {
      const side = Math.max(bw, bh) * scale;
      const cx = x + bw / 2 + (rand() - 0.5) * 0.16 * side;
      const cy = y + bh / 2 + (rand() - 0.5) * 0.16 * side;
      await crop(path, clampSquare(cx, cy, side, w, h), join(OUT, "face", `${f.id}-${"abc"[k]}.jpg`));
      faces++;
    }
  }
  let made = 0;
  for (let tries = 0; made < 11 && tries < 20000; tries++) {
    const side = 160 + rand() * 320;
    const r = clampSquare(rand() * w, rand() * h, side, w, h);
    if (boxes.some((f) => overlap(r, f.box) > 0.12)) continue;
    await crop(path, r, join(OUT, "no_face", `${name.replace(".jpg", "")}-${String(made).padStart(2, "0")}.jpg`));
    made++;
    others++;
  }
}
console.log(`face: ${faces}, no_face: ${others} images in ${OUT}`);
