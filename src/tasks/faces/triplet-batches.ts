// Batches for online triplet mining: P identities x K images each (Hermans et al. 2017, "In Defense of the
// Triplet Loss"), so that every batch holds anchor-positive pairs and negatives for each of them.

/** A small seeded generator (mulberry32): the same seed gives the same batches on every machine. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Shuffles `xs` in place (Fisher-Yates) with `rand`. */
export function shuffleInPlace<T>(xs: T[], rand: () => number): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
  return xs;
}

export interface PKSamplerOptions {
  /** Identities per batch (default 8, or all when fewer). */
  identities?: number;
  /** Images per identity (default 4). */
  imagesPerIdentity?: number;
  seed?: number;
}

/**
 * Draws P x K batches from labelled samples: P identities with at least two samples, then K samples of
 * each without replacement (all of them when an identity has fewer than K). Identities are visited in
 * shuffled rounds, so every one comes up as often as the others.
 *
 * @example
 * const sampler = new PKSampler(labels, { identities: 4, imagesPerIdentity: 4, seed: 1 });
 * const batch = sampler.next(); // 16 sample indices, 4 consecutive per identity
 */
export class PKSampler {
  readonly p: number;
  readonly k: number;
  private readonly byLabel: number[][];
  private readonly rand: () => number;
  private queue: number[] = [];

  constructor(labels: ArrayLike<number>, opts: PKSamplerOptions = {}) {
    const groups = new Map<number, number[]>();
    for (let i = 0; i < labels.length; i++) {
      const l = labels[i];
      if (!groups.has(l)) groups.set(l, []);
      groups.get(l)!.push(i);
    }
    this.byLabel = [...groups.values()].filter((g) => g.length >= 2);
    if (this.byLabel.length < 2)
      throw new RangeError(
        `PKSampler: need at least 2 identities with 2 or more images each (anchor, positive and a negative); got ${this.byLabel.length} of ${groups.size}`,
      );
    const p = opts.identities ?? Math.min(8, this.byLabel.length);
    const k = opts.imagesPerIdentity ?? 4;
    if (!Number.isInteger(p) || p < 2) throw new RangeError(`PKSampler: identities per batch must be an integer >= 2, got ${p}`);
    if (!Number.isInteger(k) || k < 2) throw new RangeError(`PKSampler: imagesPerIdentity must be an integer >= 2, got ${k}`);
    this.p = Math.min(p, this.byLabel.length);
    this.k = k;
    this.rand = seededRandom(opts.seed ?? 0);
  }

  /** The number of identities that can be drawn (those with two or more samples). */
  get identityCount(): number {
    return this.byLabel.length;
  }

  /** The next batch: P*K sample indices, K consecutive ones per identity. */
  next(): number[] {
    const chosen: number[] = [];
    while (chosen.length < this.p) {
      if (this.queue.length === 0) this.queue = shuffleInPlace(this.byLabel.map((_, i) => i), this.rand);
      const g = this.queue.shift()!;
      if (!chosen.includes(g)) chosen.push(g);
    }
    const out: number[] = [];
    for (const g of chosen) out.push(...shuffleInPlace([...this.byLabel[g]], this.rand).slice(0, this.k));
    return out;
  }
}
