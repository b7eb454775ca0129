// `deepts faces calibrate`: the pipeline on the photos of a labelled pairs file, the distances of the pairs,
// their ROC AUC and the threshold with the best accuracy, optionally stored in the database.
import { existsSync } from "node:fs";
import type { LabelledDistance, PhotoVariant } from "../../src/tasks/faces/index.js";
import { CliError, type OutStream, UsageError } from "../lib/command.js";
import { type ModelChoice, type PipelineChoice, dbStep, detectOptions, fmtDist, loadEmbedder, loadFaces, openDb, seconds } from "./_faces-run.js";

interface CalibrateOptions extends PipelineChoice, ModelChoice {
  db: string;
  variants: boolean;
  metric: string;
  save: boolean;
  "save-model": boolean;
  json: boolean;
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

export async function calibrate(pairsArg: string | undefined, o: CalibrateOptions, stdout: OutStream, stderr: OutStream): Promise<number> {
  const lib = await loadFaces();
  const detect = detectOptions(o);
  const pairsPath = pairsArg ?? lib.defaultFacePairsPath();
  if (!existsSync(pairsPath)) throw new CliError(`PAIRS ${JSON.stringify(pairsPath)}: no such file`);
  let pairs;
  try {
    pairs = lib.loadFacePairs(pairsPath);
  } catch (e) {
    throw new CliError((e as Error).message.replace(/^loadFacePairs: /, ""));
  }
  const modelPath = o.model ?? o["model-dir"];
  if (o["save-model"] && modelPath === undefined) throw new UsageError("--save-model stores the threshold beside the weights of --model; give --model");
  const embedder = await loadEmbedder(lib, o);
  const model = embedder.id;
  // Check the database before the slow part, so that --save cannot fail at the end.
  if (o.save) openDb(lib, o.db, "write").close();
  const variants: readonly PhotoVariant[] = o.variants ? lib.PHOTO_VARIANTS : ["original"];
  const byVariant = new Map<PhotoVariant, Map<string, Float32Array>>();
  const t0 = performance.now();
  for (const v of variants) {
    const t1 = performance.now();
    let r;
    try {
      r = await lib.embedLabelledFaces(pairs, { pairsPath, detect: { ...detect, embedder }, variant: v });
    } catch (e) {
      throw new CliError(`${pairsPath}: ${(e as Error).message}`);
    }
    byVariant.set(v, r.descriptors);
    if (!o.json)
      stderr.write(`${v}: ${r.descriptors.size} of ${pairs.faces.length} labelled faces found${r.missing.length ? ` (missing ${r.missing.join(", ")})` : ""}, ${seconds(t1)}\n`);
  }
  const all = lib.variantPairDistances(pairs, byVariant);
  const photos = all.filter((p) => p.kind === "photos");
  const report = (set: LabelledDistance[]) => {
    const pos = set.filter((p) => p.same).length;
    if (pos === 0 || pos === set.length) return null;
    const c = lib.calibrateThreshold(set, { metric: o.metric === "balanced" ? "balancedAccuracy" : "accuracy" });
    return { ...c, at06: lib.evaluateThreshold(set, 0.6) };
  };
  const sets: Record<string, ReturnType<typeof report>> = { photos: report(photos) };
  if (o.variants) {
    for (const v of variants.filter((x) => x !== "original")) sets[v] = report(all.filter((p) => p.kind === v));
    sets.all = report(all);
  }
  const chosen = sets[o.variants ? "all" : "photos"];
  if (!chosen) throw new CliError(`${pairsPath}: the pairs found hold no same-person pair and a different-person pair both; nothing to calibrate`);
  if (o.save) {
    const db = openDb(lib, o.db, "write");
    try {
      dbStep(lib, () => db.setThreshold(model, chosen.threshold));
    } finally {
      db.close();
    }
  }
  let savedBeside: string | null = null;
  if (o["save-model"]) {
    const note = `deepts faces calibrate ${o.variants ? "--variants " : ""}on ${pairsPath}: ROC AUC ${chosen.auc.toFixed(3)}, accuracy ${pct(chosen.accuracy)}`;
    savedBeside = lib.saveFaceModelThreshold(modelPath!, model, chosen.threshold, note);
  }
  if (o.json) {
    stdout.write(JSON.stringify({ pairs: pairsPath, model, metric: o.metric, sets, threshold: chosen.threshold, saved: o.save ? o.db : null, savedBeside, pairDistances: all }) + "\n");
    return 0;
  }
  stdout.write(`labelled pairs ${pairsPath}, model ${model}\n`);
  stdout.write("set          same  diff    AUC  threshold  accuracy  balanced  TPR     FPR     | at 0.6: accuracy  TPR     FPR\n");
  for (const [name, r] of Object.entries(sets)) {
    if (!r) continue;
    stdout.write(
      `${name.padEnd(11)} ${String(r.positives).padStart(5)} ${String(r.negatives).padStart(5)}  ${r.auc.toFixed(3)}  ${fmtDist(r.threshold).padStart(9)}  ` +
        `${pct(r.accuracy).padStart(8)}  ${pct(r.balancedAccuracy).padStart(8)}  ${pct(r.truePositiveRate).padEnd(6)}  ${pct(r.falsePositiveRate).padEnd(6)}  | ` +
        `${pct(r.at06.accuracy).padStart(16)}  ${pct(r.at06.truePositiveRate).padEnd(6)}  ${pct(r.at06.falsePositiveRate)}\n`,
    );
  }
  stdout.write(
    `threshold ${fmtDist(chosen.threshold)} (best ${o.metric === "balanced" ? "balanced accuracy" : "accuracy"} on ${o.variants ? "all" : "the photos'"} pairs)` +
      `${o.save ? `, saved in ${o.db}` : ""}${savedBeside ? `, saved in ${savedBeside}` : ""}; ${seconds(t0)}\n`,
  );
  return 0;
}
