// Runs one case on several engines, each in its own process, timing them in turn (A, B, C, A, B, C, ...)
// so that machine noise falls on all of them alike.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { EngineProcess, type Msg } from "./child-process.js";
import { engineInfo } from "./engines.js";
import { pythonPath } from "./python.js";
import { sleep } from "./machine.js";
import { median } from "./stats.js";
import type { BenchCase, CaseResult, EngineName, EngineResult } from "./types.js";
import type { Workload } from "./workload.js";

export const benchDir = join(dirname(fileURLToPath(import.meta.url)), "..");
export const repoRoot = join(benchDir, "..");

export interface RunOptions {
  engines: readonly EngineName[];
  threads: number;
  /** Timed runs per engine (at most). */
  reps: number;
  warmup: number;
  /** An engine gets no more runs on a case once its timed runs add up to this. */
  capSeconds: number;
  /**
   * Pause before each timed run, ms. Thread pools (OpenBLAS, OpenMP, Eigen) spin for a while after they
   * finish; without a pause that spinning would be charged to the engine that runs next.
   */
  settleMs?: number;
  /** Seconds an engine may take to set up and warm up, or to answer one run, before it is stopped. */
  timeoutSeconds?: number;
  log?: (line: string) => void;
}

function childEnv(engine: EngineName, threads: number): NodeJS.ProcessEnv {
  const n = String(threads);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DEEPTS_NUM_THREADS: n,
    OMP_NUM_THREADS: n,
    MKL_NUM_THREADS: n,
    OPENBLAS_NUM_THREADS: n,
    TF_NUM_INTRAOP_THREADS: n,
    TF_NUM_INTEROP_THREADS: "1",
    TF_CPP_MIN_LOG_LEVEL: "3",
    TF_ENABLE_ONEDNN_OPTS: process.env.TF_ENABLE_ONEDNN_OPTS ?? "1",
  };
  if (engine === "numpy") {
    // numpy is the GEMM ceiling: let OpenBLAS pick its own tuned kernel for this CPU.
    delete env.OPENBLAS_CORETYPE;
    delete env.OPENBLAS_L2_SIZE;
  }
  return env;
}

function start(engine: EngineName, workload: string, c: BenchCase, opts: RunOptions): EngineProcess | string {
  const info = engineInfo(engine);
  const args = JSON.stringify({ engine, workload, spec: c.spec, warmup: opts.warmup, threads: opts.threads });
  const env = childEnv(engine, opts.threads);
  if (info.kind === "python") {
    const py = pythonPath();
    if (!py) return "n/a: no Python (set DEEPTS_BENCH_PYTHON to a python with tensorflow, torch, numpy)";
    return new EngineProcess(py, [join(benchDir, "py", "worker.py"), args], env, repoRoot);
  }
  if (info.peer && !existsSync(join(benchDir, "node_modules", info.peer, "package.json"))) {
    return `n/a: ${info.peer} not installed (npm install --prefix bench)`;
  }
  return new EngineProcess(process.execPath, ["--import", "tsx", join(benchDir, "harness", "child.ts"), args], env, repoRoot);
}

/**
 * Whether `engine` has anything to say about workload `w`: an implementation, or a stated reason why not
 * (engines with neither, such as numpy for a convolution, are left out of the tables).
 */
export function engineApplies(w: Workload, engine: EngineName): boolean {
  if (engineInfo(engine).kind === "node") return engine in w.impls || w.missing?.[engine] !== undefined;
  const py = join(benchDir, "py", "workloads", `${w.name}.py`);
  if (!existsSync(py)) return false;
  return new RegExp(`^def ${engine}\\(|^MISSING\\b[^\\n]*["']${engine}["']`, "m").test(readFileSync(py, "utf8"));
}

/** Measures case `c` of workload `w` on every engine in `opts.engines` that applies to it. */
export async function runCase(w: Workload, c: BenchCase, opts: RunOptions): Promise<CaseResult> {
  const workload = w.name;
  const log = opts.log ?? (() => {});
  const capMs = opts.capSeconds * 1000;
  const setupTimeout = (opts.timeoutSeconds ?? 120) * 1000;
  const repTimeout = setupTimeout;
  const live: { r: EngineResult; p: EngineProcess; spent: number }[] = [];
  const results: EngineResult[] = [];

  // Start and warm up one engine at a time, so warm-ups do not compete for the cores.
  for (const engine of opts.engines.filter((e) => engineApplies(w, e))) {
    const r: EngineResult = { engine, times: [], threads: engineInfo(engine).threads(opts.threads) };
    results.push(r);
    const p = start(engine, workload, c, opts);
    if (typeof p === "string") {
      r.unavailable = p;
      continue;
    }
    const m = await p.next(setupTimeout);
    if (m.type !== "ready") {
      r.unavailable = describe(m);
      p.kill();
      log(`  ${engine}: ${r.unavailable}`);
      continue;
    }
    r.warmupMs = m.warmupMs;
    if (m.version) r.version = m.version;
    if (m.threads !== undefined) r.threads = m.threads;
    live.push({ r, p, spent: 0 });
  }

  for (let rep = 0; rep < opts.reps && live.length > 0; rep++) {
    for (const e of [...live]) {
      if (e.spent >= capMs && e.r.times.length > 0) {
        e.r.note = `${e.r.times.length} runs (time cap)`;
        live.splice(live.indexOf(e), 1);
        await finish(e.r, e.p);
        continue;
      }
      await sleep(opts.settleMs ?? 250);
      e.p.send("rep");
      const m = await e.p.next(repTimeout);
      if (m.type === "rep") {
        e.r.times.push(m.ms);
        e.spent += m.ms;
      } else if (e.r.times.length === 0 && e.r.warmupMs !== undefined && m.type === "error" && m.message.startsWith("timeout")) {
        // Too slow for a timed run: its warm-up (which may include one-off compilation) is the figure, and says so.
        e.r.times.push(e.r.warmupMs);
        e.r.note = `1 run, the warm-up (the timed run took over ${Math.round(repTimeout / 1000)} s)`;
        live.splice(live.indexOf(e), 1);
      } else {
        e.r.unavailable = describe(m);
        e.r.times = [];
        live.splice(live.indexOf(e), 1);
        e.p.kill();
      }
    }
  }
  for (const e of live) await finish(e.r, e.p);
  for (const r of results) {
    if (r.times.length > 0) log(`  ${r.engine}: median ${median(r.times).toFixed(2)} ms over ${r.times.length}`);
  }
  return { workload, caseName: c.name, flops: c.flops, results };
}

async function finish(r: EngineResult, p: EngineProcess): Promise<void> {
  p.send("end");
  const m = await p.next(30_000);
  if (m.type === "end") r.maxRssBytes = m.maxRssBytes;
  p.kill();
}

function describe(m: Msg): string {
  if (m.type === "na") return `n/a: ${m.reason}`;
  if (m.type === "error") return m.message.startsWith("timeout") ? m.message : `error: ${m.message}`;
  return `unexpected ${m.type}`;
}
