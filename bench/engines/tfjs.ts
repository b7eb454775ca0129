// TensorFlow.js 4.22 in Node without tfjs-node (which cannot install offline): the pure-JS "cpu" backend and
// the WebAssembly "wasm" backend (XNNPACK; one thread in Node, where it has no worker threads).

/** The @tensorflow/tfjs module. Untyped on purpose: bench/node_modules may be absent when the root type-checks. */
export type Tfjs = any;

export async function loadTfjs(backend: "cpu" | "wasm"): Promise<Tfjs> {
  const name = "@tensorflow/tfjs";
  const tf: Tfjs = await import(name);
  if (backend === "wasm") {
    const wasm = "@tensorflow/tfjs-backend-wasm";
    await import(wasm);
  }
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs: backend "${backend}" failed to initialise`);
  await tf.ready();
  return tf;
}
