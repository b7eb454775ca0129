// Where the Python peers (TensorFlow/Keras, PyTorch, numpy) live: $DEEPTS_BENCH_PYTHON, else /tmp/venv.
import { existsSync } from "node:fs";

export function pythonPath(): string | null {
  const candidates = [process.env.DEEPTS_BENCH_PYTHON, "/tmp/venv/bin/python"];
  for (const c of candidates) if (c && existsSync(c)) return c;
  return null;
}
