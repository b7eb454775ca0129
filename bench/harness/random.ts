// Input data for engines whose tensors are built from plain arrays.

/** Uniform floats in [-1, 1). */
export function randomFloats(size: number, scale = 1): Float32Array {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = (Math.random() * 2 - 1) * scale;
  return out;
}
