import { describe } from "node:test";
import { listBackends, withBackend } from "../../src/index.js";

/**
 * Declares the same tests once per registered backend: `describe("<backend>: <title>")`, with
 * that backend active while each test body runs.
 */
export function forEachBackend(title: string, body: (backend: string) => void): void {
  for (const name of listBackends()) {
    describe(`${name}: ${title}`, () => {
      body(name);
    });
  }
}

/** Runs `f` on backend `name` (for use inside test bodies declared by forEachBackend). */
export function on<T>(name: string, f: () => T): T {
  return withBackend(name, f);
}
