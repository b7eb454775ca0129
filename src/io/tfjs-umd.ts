// TF.js model files wrapped in UMD JavaScript modules, as some npm packages ship them (nsfwjs: model.min.js
// holds the model.json object, each group1-shardXofY.min.js a base64 string). Read as text, never executed.
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { FileFormatError, check } from "./errors.js";
import { parseJsLiteral } from "./js-literal.js";
import type { TfjsFiles } from "./tfjs.js";

const MAX_JS = 512 * 1024 * 1024;

async function readText(path: string): Promise<string> {
  let b: Buffer;
  try {
    b = await readFile(path);
  } catch (e) {
    throw new FileFormatError(path, `cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  check(b.length <= MAX_JS, path, `file too large (${b.length} bytes)`);
  return b.toString("utf8");
}

/** The model.json object inside a UMD module: the object literal that holds "modelTopology". */
export function modelJsonFromUmd(text: string, source: string): Record<string, unknown> {
  const at = text.search(/[{,]\s*["']?modelTopology["']?\s*:/);
  check(at >= 0, source, "no modelTopology object found in this JavaScript file");
  // Walk back to the "{" that opens the object holding modelTopology.
  const open = text[at] === "{" ? at : text.lastIndexOf("{", at);
  check(open >= 0, source, "no object around modelTopology");
  const { value } = parseJsLiteral(text, open, source);
  check(typeof value === "object" && value !== null && "modelTopology" in value, source, "the object found does not hold modelTopology");
  return value as Record<string, unknown>;
}

/** The bytes of a weight shard inside a UMD module: its longest base64 string literal, decoded. */
export function shardFromUmd(text: string, source: string): Uint8Array {
  let best: [number, number] | null = null;
  const re = /"([A-Za-z0-9+/]{4,}={0,2})"/g;
  for (let m = re.exec(text); m; m = re.exec(text)) if (!best || m[1].length > best[1]) best = [m.index + 1, m[1].length];
  check(best, source, "no base64 weight data found in this JavaScript file");
  check(best[1] % 4 === 0, source, "the base64 weight data has a length that is not a multiple of 4");
  return new Uint8Array(Buffer.from(text.slice(best[0], best[0] + best[1]), "base64"));
}

/**
 * Reads a TF.js layers model shipped as UMD JavaScript files: `modelJs` (e.g. model.min.js) and, for
 * each manifest path P, the shard file P.min.js (or P.js, or P) beside it.
 *
 * @example
 * const model = decodeTfjsModel(await readTfjsUmdFiles("node_modules/nsfwjs/dist/models/mobilenet_v2/model.min.js"), "nsfwjs");
 */
export async function readTfjsUmdFiles(modelJs: string): Promise<TfjsFiles> {
  const modelJson = modelJsonFromUmd(await readText(modelJs), modelJs);
  const manifest = modelJson.weightsManifest;
  check(Array.isArray(manifest), modelJs, "the model has no weightsManifest list");
  const dir = dirname(modelJs);
  const groups: Uint8Array[] = [];
  for (const g of manifest as { paths?: unknown }[]) {
    check(Array.isArray(g?.paths), modelJs, "a weightsManifest group has no paths");
    const parts: Uint8Array[] = [];
    for (const p of g.paths as unknown[]) {
      check(typeof p === "string" && /^[\w.-]+$/.test(p), modelJs, `shard path ${JSON.stringify(p)} must be a plain file name`);
      let text: string | null = null;
      let found = "";
      for (const name of [`${p}.min.js`, `${p}.js`, p]) {
        try {
          text = await readText(join(dir, name));
          found = join(dir, name);
          break;
        } catch {
          // try the next spelling
        }
      }
      check(text !== null, modelJs, `no shard file for "${p}" (looked for ${p}.min.js, ${p}.js and ${p})`);
      parts.push(shardFromUmd(text, found));
    }
    const out = new Uint8Array(parts.reduce((n, x) => n + x.length, 0));
    let at = 0;
    for (const x of parts) {
      out.set(x, at);
      at += x.length;
    }
    groups.push(out);
  }
  return { modelJson, groups };
}
