// Runs the CLI in-process with captured output.
import { main, type MainIO } from "../../cli/main.js";

export interface Captured {
  code: number;
  out: string;
  err: string;
}

export async function run(argv: string[], io: Omit<MainIO, "stdout" | "stderr"> = {}): Promise<Captured> {
  let out = "";
  let err = "";
  const code = await main(argv, {
    ...io,
    stdout: { write: (s: string) => (out += s), isTTY: false },
    stderr: { write: (s: string) => (err += s), isTTY: false },
  });
  return { code, out, err };
}
