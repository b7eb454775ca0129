// `npm run bench`: deepts side by side with its peers. Flags:
//   --quick              small cases, 3 runs (CI smoke)
//   --only <substring>   workloads or cases whose "workload: case" contains it (repeatable)
//   --engines a,b        engines to run (default all; see bench/harness/engines.ts)
//   --threads N          threads for every engine that can use several (default 2)
//   --reps N --warmup N --cap SECONDS   runs per engine, warm-up runs, time cap per engine and case
//   --settle MS          pause before each timed run, so one engine's spinning threads do not slow the next (250)
//   --timeout SECONDS    an engine that takes longer to set up and warm up (or for one run) is stopped (default 120)
//   --no-install         do not npm install the peers
// Writes bench/results/<date>.md and .json and prints the Markdown.
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ENGINES, engineInfo } from "./harness/engines.js";
import { busyFraction } from "./harness/machine.js";
import { ensurePeers } from "./harness/peers.js";
import { markdownReport, type RunInfo } from "./harness/report.js";
import { benchDir, runCase } from "./harness/runner.js";
import type { CaseResult, EngineName } from "./harness/types.js";
import { loadWorkload, workloadNames } from "./harness/workloads.js";

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    only: { type: "string", multiple: true },
    engines: { type: "string" },
    threads: { type: "string", default: "2" },
    reps: { type: "string" },
    warmup: { type: "string" },
    cap: { type: "string" },
    timeout: { type: "string", default: "120" },
    settle: { type: "string", default: "250" },
    "no-install": { type: "boolean", default: false },
  },
});

const log = (s: string): void => void process.stderr.write(s + "\n");
const quick = values.quick;
const threads = positive("threads", values.threads!);
const reps = positive("reps", values.reps ?? (quick ? "3" : "10"));
const warmup = positive("warmup", values.warmup ?? (quick ? "1" : "2"));
const capSeconds = positive("cap", values.cap ?? (quick ? "5" : "20"));
const timeoutSeconds = positive("timeout", values.timeout!);
const settleMs = Number(values.settle);
const engines = (values.engines ? values.engines.split(",").map((s) => s.trim()) : ENGINES.map((e) => e.name)).map(
  (e) => engineInfo(e).name,
) as EngineName[];
const only = values.only ?? [];

function positive(flag: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`bench: --${flag} expects a positive integer, got "${v}"`);
  return n;
}

if (!values["no-install"] && engines.some((e) => engineInfo(e).peer)) ensurePeers(log);

const started = new Date();
const stamp = started.toISOString().slice(0, 16).replace(/[:T]/g, "-");
const resultsDir = join(benchDir, "results");
const results: CaseResult[] = [];
const busy: number[] = [];
for (const name of workloadNames()) {
  const w = await loadWorkload(name);
  for (const c of w.cases) {
    if (quick ? !c.quick : c.full === false) continue;
    if (only.length > 0 && !only.some((s) => `${w.name}: ${c.name}`.includes(s))) continue;
    const b = await busyFraction(1000);
    if (b !== null) busy.push(b);
    log(`${w.name}: ${c.name}${b === null ? "" : ` (machine ${Math.round(b * 100)}% busy before)`}`);
    results.push(await runCase(w, c, { engines, threads, reps, warmup, capSeconds, timeoutSeconds, settleMs, log }));
    write(false); // after every case, so a long run that stops early keeps what it measured
  }
}
write(true);

function write(final: boolean): void {
  const info: RunInfo = {
    date: started.toISOString().slice(0, 16).replace("T", " ") + " UTC",
    machine: `${cpus()[0]?.model.trim() ?? "unknown CPU"}, ${cpus().length} logical CPUs`,
    threads,
    reps,
    warmup,
    capSeconds,
    timeoutSeconds,
    busy: busy.length ? { min: Math.min(...busy), max: Math.max(...busy) } : null,
    node: process.version,
  };
  const md = markdownReport(info, results);
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, `${stamp}.md`), md);
  writeFileSync(join(resultsDir, `${stamp}.json`), JSON.stringify({ info, results }, null, 1));
  if (final) {
    process.stdout.write(md + "\n");
    log(`bench: wrote bench/results/${stamp}.md and .json`);
  }
}
