// Face verification ("is this the person they claim to be?") and identification ("who is this?") by the
// Euclidean distance between descriptors, as the course's verify / who_is_it and face-api's FaceMatcher.

/** face-api's default distance threshold for its 128-D descriptors (dlib uses 0.6 too). */
export const DEFAULT_FACE_DISTANCE_THRESHOLD = 0.6;

type Descriptor = ArrayLike<number>;

/** Euclidean (L2) distance between two descriptors of the same length. */
export function euclideanDistance(a: Descriptor, b: Descriptor): number {
  if (a.length !== b.length) throw new RangeError(`euclideanDistance: descriptors differ in length (${a.length} vs ${b.length})`);
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    s += d * d;
  }
  return Math.sqrt(s);
}

function checkThreshold(op: string, t: number): void {
  if (!(t > 0) || !Number.isFinite(t)) throw new RangeError(`${op}: threshold must be a positive number, got ${t}`);
}

/** Mean distance from `query` to each of `references` (face-api's FaceMatcher.computeMeanDistance). */
export function meanDistance(query: Descriptor, references: readonly Descriptor[]): number {
  if (references.length === 0) throw new RangeError("meanDistance: no reference descriptors");
  let s = 0;
  for (const r of references) s += euclideanDistance(query, r);
  return s / references.length;
}

export interface Verification {
  /** True when the distance is below the threshold. */
  match: boolean;
  distance: number;
}

/**
 * Verifies a face against a claimed identity's enrolled descriptor(s): the mean distance must be below
 * `threshold` (default 0.6).
 *
 * @example
 * verifyFace(faces[0].descriptor, [enrolled]).match; // true: open the door
 */
export function verifyFace(query: Descriptor, references: Descriptor | readonly Descriptor[], threshold = DEFAULT_FACE_DISTANCE_THRESHOLD): Verification {
  checkThreshold("verifyFace", threshold);
  const refs = isList(references) ? references : [references];
  const distance = meanDistance(query, refs);
  return { match: distance < threshold, distance };
}

export interface Identification {
  /** The closest identity, or "unknown" when even it is `threshold` or farther. */
  name: string;
  distance: number;
}

/**
 * Identifies a face among enrolled identities (name -> descriptors): the one at the smallest mean distance,
 * or "unknown" when that distance is not below `threshold` (default 0.6).
 *
 * @example
 * identifyFace(face.descriptor, { ada: [d1, d2], alan: [d3] }); // { name: "ada", distance: 0.41 }
 */
export function identifyFace(
  query: Descriptor,
  database: Readonly<Record<string, readonly Descriptor[]>> | ReadonlyMap<string, readonly Descriptor[]>,
  threshold = DEFAULT_FACE_DISTANCE_THRESHOLD,
): Identification {
  checkThreshold("identifyFace", threshold);
  const entries = database instanceof Map ? [...database.entries()] : Object.entries(database);
  let best: Identification = { name: "unknown", distance: Infinity };
  for (const [name, refs] of entries) {
    if (refs.length === 0) continue;
    const d = meanDistance(query, refs);
    if (d < best.distance) best = { name, distance: d };
  }
  return best.distance < threshold ? best : { name: "unknown", distance: best.distance };
}

function isList(x: Descriptor | readonly Descriptor[]): x is readonly Descriptor[] {
  return Array.isArray(x) && (x.length === 0 || typeof x[0] !== "number");
}
