// jax-js 0.1.25 on its WebAssembly device. In Node it runs on one thread: its thread pool needs a global
// `Worker`, which Node does not provide.

/** The @jax-js/jax module (untyped: bench/node_modules may be absent when the root type-checks). */
export type Jax = any;

export async function loadJax(): Promise<Jax> {
  const name = "@jax-js/jax";
  const jax: Jax = await import(name);
  const devices: string[] = await jax.init("wasm");
  if (!devices.includes("wasm")) throw new Error("jax-js: the wasm device did not initialise");
  jax.defaultDevice("wasm");
  return jax;
}
