import { type DType, allocStorage, isFloat } from "./dtype.js";
import { type Shape, assertShape, sizeOf } from "./shape.js";
import { Tensor } from "./tensor.js";

/**
 * A reproducible pseudo-random generator (xoshiro128**, seeded through splitmix32).
 * The same seed gives the same numbers on every backend and platform.
 */
export class Generator {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare: number | null = null;

  constructor(seed: number) {
    let x = seed >>> 0 ^ Math.floor(seed / 4294967296);
    const next = (): number => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Standard normal (Box-Muller, both values used). */
  normal(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

let globalGenerator = new Generator(Date.now());

/** Seeds the global generator that random ops use when they are given no seed. */
export function setSeed(seed: number): void {
  globalGenerator = new Generator(seed);
}

/** The generator for a call: a fresh one for an explicit seed, else the global one. */
export function generatorFor(seed?: number | Generator): Generator {
  if (seed instanceof Generator) return seed;
  return seed === undefined ? globalGenerator : new Generator(seed);
}

export interface RandomOptions {
  seed?: number | Generator;
  dtype?: DType;
}

function fill(op: string, shape: Shape, dtype: DType, f: () => number): Tensor {
  assertShape(op, shape);
  if (!isFloat(dtype) && op !== "randomUniform") throw new TypeError(`${op}: dtype must be float32 or float64, got ${dtype}`);
  const v = allocStorage(dtype, sizeOf(shape));
  for (let i = 0; i < v.length; i++) v[i] = f();
  return new Tensor(v, shape, dtype);
}

/** Uniform values in [minval, maxval); int32 draws integers in [minval, maxval). */
export function randomUniform(shape: Shape, opts: RandomOptions & { minval?: number; maxval?: number } = {}): Tensor {
  const { minval = 0, maxval = 1, dtype = "float32" } = opts;
  const g = generatorFor(opts.seed);
  if (dtype === "int32") return fill("randomUniform", shape, dtype, () => minval + g.int(maxval - minval));
  return fill("randomUniform", shape, dtype, () => minval + (maxval - minval) * g.uniform());
}

/** Normal values with the given mean and standard deviation. */
export function randomNormal(shape: Shape, opts: RandomOptions & { mean?: number; stddev?: number } = {}): Tensor {
  const { mean = 0, stddev = 1, dtype = "float32" } = opts;
  const g = generatorFor(opts.seed);
  return fill("randomNormal", shape, dtype, () => mean + stddev * g.normal());
}

/** Normal values redrawn until within two standard deviations of the mean, as TensorFlow does. */
export function truncatedNormal(shape: Shape, opts: RandomOptions & { mean?: number; stddev?: number } = {}): Tensor {
  const { mean = 0, stddev = 1, dtype = "float32" } = opts;
  const g = generatorFor(opts.seed);
  return fill("truncatedNormal", shape, dtype, () => {
    for (;;) {
      const z = g.normal();
      if (Math.abs(z) <= 2) return mean + stddev * z;
    }
  });
}

/** A random permutation of 0..n-1 (Fisher-Yates). */
export function randomPermutation(n: number, seed?: number | Generator): Int32Array {
  const g = generatorFor(seed);
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = g.int(i + 1);
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}
