// Turns measured results into Markdown: a summary matrix (cases × engines) and one detail table per case.
import { BASELINES, ENGINES, engineInfo } from "./engines.js";
import { fmtGflops, fmtMiB, fmtMs, fmtRatio, gflops, median, min, ratio } from "./stats.js";
import type { CaseResult, EngineName, EngineResult } from "./types.js";

export interface RunInfo {
  date: string;
  machine: string;
  threads: number;
  reps: number;
  warmup: number;
  capSeconds: number;
  timeoutSeconds: number;
  /** Share of the CPUs that other processes kept busy, sampled before each case (they add noise). */
  busy: { min: number; max: number } | null;
  node: string;
}

const pct = (f: number): string => `${Math.round(f * 100)}%`;
const cell = (s: string): string => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** The engine whose median the case's ratios divide by, or null when neither deepts backend ran. */
export function baselineOf(c: CaseResult): EngineResult | null {
  for (const b of BASELINES) {
    const r = c.results.find((x) => x.engine === b && x.times.length > 0);
    if (r) return r;
  }
  return null;
}

function status(r: EngineResult): string {
  return r.unavailable ?? "";
}

/** "12.3 ms (1.50×)" for the summary matrix, or the reason it has no figure. */
function summaryCell(r: EngineResult | undefined, base: EngineResult | null): string {
  if (!r) return "";
  if (r.times.length === 0) return cell(shortReason(status(r)));
  const m = median(r.times);
  const rel = base && base.engine !== r.engine ? ` (${fmtRatio(ratio(m, median(base.times)))})` : "";
  return `${fmtMs(m)}${rel}`;
}

function shortReason(s: string): string {
  if (s.startsWith("n/a")) return "n/a";
  if (s.startsWith("error")) return "error";
  const t = /^timeout \(no answer in (\d+) s\)/.exec(s);
  if (t) return `> ${t[1]} s`;
  return s || "–";
}

export function summaryTable(cases: readonly CaseResult[]): string {
  const used = ENGINES.filter((e) => cases.some((c) => c.results.some((r) => r.engine === e.name)));
  const head = `| workload | case | ${used.map((e) => e.label).join(" | ")} |`;
  const sep = `|---|---|${used.map(() => "---:").join("|")}|`;
  const rows = cases.map((c) => {
    const base = baselineOf(c);
    const cells = used.map((e) => summaryCell(c.results.find((r) => r.engine === e.name), base));
    return `| ${c.workload} | ${cell(c.caseName)} | ${cells.join(" | ")} |`;
  });
  return [head, sep, ...rows].join("\n");
}

export function caseTable(c: CaseResult): string {
  const base = baselineOf(c);
  const baseLabel = base ? engineInfo(base.engine).label : "deepts";
  const gf = c.flops !== undefined;
  const head = `| engine | threads | median ms | min ms |${gf ? " GFLOP/s |" : ""} × ${baseLabel} | peak RSS MiB | runs | note |`;
  const sep = `|---|---:|---:|---:|${gf ? "---:|" : ""}---:|---:|---:|---|`;
  const rows = c.results.map((r) => {
    const label = engineInfo(r.engine).label + (r.version ? ` ${r.version}` : "");
    if (r.times.length === 0) {
      return `| ${cell(label)} | ${r.threads ?? ""} | – | – |${gf ? " – |" : ""} – | ${fmtMiB(r.maxRssBytes)} | 0 | ${cell(status(r))} |`;
    }
    const m = median(r.times);
    const rel = base ? fmtRatio(ratio(m, median(base.times))) : "–";
    const g = gf ? ` ${fmtGflops(gflops(c.flops!, m))} |` : "";
    return `| ${cell(label)} | ${r.threads ?? ""} | ${fmtMs(m)} | ${fmtMs(min(r.times))} |${g} ${rel} | ${fmtMiB(r.maxRssBytes)} | ${r.times.length} | ${cell(r.note ?? "")} |`;
  });
  return [`#### ${c.workload}: ${c.caseName}`, "", head, sep, ...rows].join("\n");
}

export function markdownReport(info: RunInfo, cases: readonly CaseResult[]): string {
  return [
    `# deepts benchmark, ${info.date}`,
    "",
    `Machine: ${info.machine}. Node ${info.node}. Threads per engine: ${info.threads} (engines that can only use one say so).`,
    info.busy
      ? `Other processes kept ${pct(info.busy.min)} to ${pct(info.busy.max)} of the CPUs busy (sampled for 1 s before each case).`
      : "",
    `Median and min of up to ${info.reps} timed runs after ${info.warmup} warm-up run(s), engines interleaved run by run;`,
    `an engine stops after ${info.capSeconds} s of runs on a case, or is stopped if it takes over ${info.timeoutSeconds} s to set up or run. Ratios divide by deepts native (deepts js when native is absent):`,
    `above 1× is slower than deepts. Peak RSS is the engine's own process. A blank cell: the engine does not apply.`,
    "",
    "### Summary: median ms (× deepts)",
    "",
    summaryTable(cases),
    "",
    "### Details",
    "",
    ...cases.flatMap((c) => [caseTable(c), ""]),
  ].join("\n");
}

export type { EngineName };
