// `npm start`: the week in miniature, on data that ships with deepts. Three stages, each printed with its
// timing, and one report, deepts-output/index.html, to open in a browser:
//   1. training: the course's Happy House model with fit() and its progress bar (loss and accuracy curves);
//   2. face recognition: the people of two of face-api's photos enrolled, every face of four more identified,
//      the photos written with boxes and names drawn in;
//   3. neural style transfer: a photo repainted in the style of The Starry Night.
//
// Run: npm start      (or: node --import tsx examples/demo.ts; DEEPTS_FAST=1 for the short run; DEEPTS_OUTPUT=DIR)
import { mkdirSync, rmSync } from "node:fs";
import { cpus } from "node:os";
import { join, resolve } from "node:path";
import { Report, getBackend } from "../src/index.js";
import { type StageContext, lineStream, secs, since } from "./lib/demo-common.js";
import { type FacesStage, facesStage } from "./lib/demo-faces.js";
import { type HappyStage, happyStage } from "./lib/demo-happy.js";
import { type StyleStage, styleStage } from "./lib/demo-style.js";
import { type ExampleOptions, fastFromEnv, isMain } from "./lib/run.js";

export interface DemoOptions extends ExampleOptions {
  /** Where the report goes (default: env DEEPTS_OUTPUT, else ./deepts-output); its old report files are replaced. */
  outDir?: string;
}

export interface DemoResult {
  outDir: string;
  /** Absolute path of index.html. */
  reportPath: string;
  /** Seconds per stage, in order, and in total. */
  timings: { stage: string; seconds: number }[];
  totalSeconds: number;
  happy: HappyStage;
  faces: FacesStage;
  style: StyleStage;
}

/** Files of an earlier run that this run rewrites; anything else in the folder is left alone. */
const OWN_FILES = /^(index\.html|happy-.*\.png|enrolled-.*\.jpg|identified-.*\.jpg|style-.*\.png|faces\.db(-wal|-shm)?)$/;

async function cleanOutput(dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const { readdirSync } = await import("node:fs");
  for (const f of readdirSync(dir)) if (OWN_FILES.test(f)) rmSync(join(dir, f));
}

/** Runs the three stages and writes the report; returns what each stage measured. */
export async function main(opts: DemoOptions = {}): Promise<DemoResult> {
  const fast = opts.fast ?? fastFromEnv();
  const log = opts.log ?? console.log;
  const outDir = resolve(opts.outDir ?? process.env.DEEPTS_OUTPUT ?? "deepts-output");
  const tty = opts.log === undefined && process.stdout.isTTY === true;
  const ctx: StageContext = { fast, outDir, log, tty, progress: opts.log ? lineStream(log) : process.stdout };
  await cleanOutput(outDir);
  const t0 = performance.now();
  const machine = `${cpus().length} CPU cores (${cpus()[0]?.model.trim() ?? "unknown CPU"}), Node ${process.version}, deepts backend "${getBackend()}"`;
  log(`deepts demo${fast ? " (fast)" : ""}: ${machine}`);
  if (getBackend() !== "native")
    log(`  note: not on the native backend, so this runs several times slower${fast ? "" : " (DEEPTS_FAST=1 gives a short run)"}; npm ci builds the native addon when a C++ compiler is there`);

  const report = new Report("deepts: the week in miniature", "Training, face recognition and style transfer in TypeScript, on data that ships with deepts");
  const timings: { stage: string; seconds: number }[] = [];
  async function stage<T>(n: number, title: string, run: () => Promise<T>): Promise<T> {
    log("");
    log(`[${n}/3] ${title}`);
    const t = performance.now();
    const out = await run();
    const s = since(t);
    timings.push({ stage: title, seconds: s });
    log(`  done in ${secs(s)}`);
    return out;
  }
  const happy = await stage(1, "Training the Happy House model", () => happyStage(ctx, report));
  const faces = await stage(2, "Face recognition: enroll and identify", () => facesStage(ctx, report));
  const style = await stage(3, "Neural style transfer", () => styleStage(ctx, report));
  const totalSeconds = since(t0);

  report.paragraph(
    "Everything on this page was computed just now by deepts on this machine, from data that ships with the package and with " +
      "face-api's pretrained weights: no Python, nothing downloaded at run time.",
  );
  const s = report.section("Run");
  s.table(["stage", "seconds"], [...timings.map((t) => [t.stage, t.seconds.toFixed(1)]), ["total", totalSeconds.toFixed(1)]]);
  s.paragraph(`Machine: ${machine}.${fast ? " Fast mode (DEEPTS_FAST): fewer epochs, photos and steps." : ""}`);
  const reportPath = report.write(outDir, "index.html", `Written by deepts' demo (npm start) on ${new Date().toISOString()}.`);
  log("");
  log(`stage timings: ${timings.map((t) => `${t.stage} ${secs(t.seconds)}`).join(", ")}; total ${secs(totalSeconds)}`);
  log(`report: ${reportPath}`);
  log(`open it in a browser, e.g. file://${reportPath.split("\\").join("/")}`);
  return { outDir, reportPath, timings, totalSeconds, happy, faces, style };
}

if (isMain(import.meta.url)) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
