// Fetches the pretrained MobileNetV2 of the npm package nsfwjs@4.4.0 (MIT; a TF.js layers model in UMD
// JavaScript files, uint8-quantized, Keras 2.2.4 config) into data/models/nsfwjs/mobilenet_v2/.
// Only the package's tarball is downloaded (`npm pack`), none of its dependencies.
// Usage: node scripts/fetch-nsfwjs.mjs [destination directory]
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const PKG = "nsfwjs@4.4.0";
const dest = process.argv[2] ?? join("data", "models", "nsfwjs");
const target = join(dest, "mobilenet_v2");
if (existsSync(join(target, "model.min.js")) && existsSync(join(target, "group1-shard1of1.min.js"))) {
  console.log(`${target} already holds the model`);
  process.exit(0);
}
const tmp = mkdtempSync(join(tmpdir(), "deepts-nsfwjs-"));
try {
  console.log(`npm pack ${PKG} (about 25 MB) ...`);
  execFileSync("npm", ["pack", PKG, "--pack-destination", tmp, "--silent"], { stdio: ["ignore", "ignore", "inherit"] });
  const tgz = readdirSync(tmp).find((f) => f.endsWith(".tgz"));
  if (!tgz) throw new Error("npm pack produced no tarball");
  execFileSync("tar", ["-xzf", join(tmp, tgz), "-C", tmp, "package/dist/models/mobilenet_v2", "package/LICENSE", "package/package.json"]);
  mkdirSync(target, { recursive: true });
  for (const f of readdirSync(join(tmp, "package/dist/models/mobilenet_v2"))) copyFileSync(join(tmp, "package/dist/models/mobilenet_v2", f), join(target, f));
  copyFileSync(join(tmp, "package/LICENSE"), join(dest, "LICENSE"));
  writeFileSync(join(dest, "SOURCE.md"),
    `MobileNetV2 (224x224, 5-class head) from the npm package ${PKG}, dist/models/mobilenet_v2/, MIT licence (see LICENSE).\n` +
    `Fetched by scripts/fetch-nsfwjs.mjs; not committed. deepts reads it with readTfjsUmdFiles + decodeTfjsModel.\n`);
  console.log(`wrote ${target}`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
