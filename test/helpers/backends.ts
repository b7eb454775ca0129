import { afterEach, beforeEach, describe } from "node:test";
import { getBackend, listBackends, setBackend, withBackend } from "../../src/index.js";

/**
 * Declares the same tests once per registered backend: `describe("<backend>: <title>")`, with
 * that backend active while each test body (and its hooks) runs.
 */
export function forEachBackend(title: string, body: (backend: string) => void): void {
  for (const name of listBackends()) {
    describe(`${name}: ${title}`, () => {
      let previous = getBackend();
      beforeEach(() => {
        previous = getBackend();
        setBackend(name);
      });
      afterEach(() => setBackend(previous));
      body(name);
    });
  }
}

/** Runs `f` on backend `name` explicitly (optional inside forEachBackend bodies). */
export function on<T>(name: string, f: () => T): T {
  return withBackend(name, f);
}
