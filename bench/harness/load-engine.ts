// Loads a Node engine's context (only the one asked for, so each child holds just its own library).
import type { Contexts } from "./workload.js";
import type { NodeEngine } from "./types.js";

export async function loadEngine<E extends NodeEngine>(engine: E, threads: number): Promise<Contexts[E]> {
  switch (engine) {
    case "deepts-native":
    case "deepts-js": {
      const { loadDeepts } = await import("../engines/deepts.js");
      return (await loadDeepts(engine === "deepts-native" ? "native" : "js")) as Contexts[E];
    }
    case "tfjs-cpu":
    case "tfjs-wasm": {
      const { loadTfjs } = await import("../engines/tfjs.js");
      return (await loadTfjs(engine === "tfjs-cpu" ? "cpu" : "wasm")) as Contexts[E];
    }
    case "ort": {
      const { loadOrt } = await import("../engines/ort.js");
      return (await loadOrt(threads)) as Contexts[E];
    }
    case "jax-js": {
      const { loadJax } = await import("../engines/jax.js");
      return (await loadJax()) as Contexts[E];
    }
  }
  throw new Error(`unknown engine ${String(engine)}`);
}
