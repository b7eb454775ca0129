// A running engine process and the line protocol spoken with it (see child.ts and py/worker.py).
import { spawn, type ChildProcess } from "node:child_process";
import { PREFIX } from "./types.js";

export type Msg =
  | { type: "ready"; warmupMs: number; version?: string; threads?: number }
  | { type: "rep"; ms: number }
  | { type: "end"; maxRssBytes: number }
  | { type: "na"; reason: string }
  | { type: "error"; message: string };

export class EngineProcess {
  private readonly proc: ChildProcess;
  private readonly queue: Msg[] = [];
  private waiter: ((m: Msg) => void) | null = null;
  private stderrTail = "";
  private exited = false;

  constructor(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd: string) {
    this.proc = spawn(cmd, args, { env, cwd, stdio: ["pipe", "pipe", "pipe"] });
    let buf = "";
    this.proc.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      buf += chunk;
      let i: number;
      while ((i = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (line.startsWith(PREFIX)) this.push(JSON.parse(line.slice(PREFIX.length)) as Msg);
      }
    });
    this.proc.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-2000);
    });
    this.proc.on("error", (e) => this.push({ type: "error", message: `could not start ${cmd}: ${e.message}` }));
    this.proc.on("exit", (code, signal) => {
      this.exited = true;
      const tail = this.stderrTail.trim().split("\n").slice(-3).join(" | ");
      this.push({ type: "error", message: `process exited (${signal ?? code})${tail ? `: ${tail}` : ""}` });
    });
    this.proc.stdin!.on("error", () => {}); // a child that died is reported through "exit"
  }

  private push(m: Msg): void {
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = null;
      w(m);
    } else this.queue.push(m);
  }

  /** The next protocol message, or a "timeout" error after `timeoutMs` (the process is then killed). */
  next(timeoutMs: number): Promise<Msg> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        this.kill();
        resolve({ type: "error", message: `timeout (no answer in ${Math.round(timeoutMs / 1000)} s)` });
      }, timeoutMs);
      this.waiter = (m) => {
        clearTimeout(timer);
        resolve(m);
      };
    });
  }

  send(cmd: "rep" | "end"): void {
    if (!this.exited) this.proc.stdin!.write(cmd + "\n");
  }

  kill(): void {
    if (!this.exited) this.proc.kill("SIGKILL");
  }
}
