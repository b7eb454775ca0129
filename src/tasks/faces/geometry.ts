// Boxes and points in image pixels, with face-api's rules for clipping, suppression and alignment.

/** An axis-aligned rectangle in pixels: top-left corner and size. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A point in pixels. */
export interface Point {
  x: number;
  y: number;
}

/** Intersection over union of two rectangles (0 when either is empty). */
export function iou(a: Rect, b: Rect): number {
  const w = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
  const h = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  const inter = w * h;
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * Greedy non-maximum suppression: indices of kept boxes, best score first; a box is dropped when its IoU
 * with a kept one exceeds `iouThreshold` (face-api's ops/nonMaxSuppression, ties broken as its sort does).
 */
export function nonMaxSuppression(boxes: readonly Rect[], scores: readonly number[], iouThreshold: number): number[] {
  // As face-api: a stable ascending sort, then pop from the end (so among equal scores the last index wins).
  let order = scores.map((s, i) => ({ s, i })).sort((a, b) => a.s - b.s).map((c) => c.i);
  const pick: number[] = [];
  while (order.length > 0) {
    const cur = order.pop()!;
    pick.push(cur);
    order = order.filter((j) => iou(boxes[cur], boxes[j]) <= iouThreshold);
  }
  return pick;
}

/** The part of `r` inside a width x height image, with floored coordinates (face-api's clipAtImageBorders). */
export function clipRect(r: Rect, width: number, height: number): Rect {
  const x = Math.max(r.x, 0);
  const y = Math.max(r.y, 0);
  const w = Math.min(r.x + r.width - x, width - x);
  const h = Math.min(r.y + r.height - y, height - y);
  return { x: Math.floor(x), y: Math.floor(y), width: Math.floor(w), height: Math.floor(h) };
}

function centre(pts: readonly Point[]): Point {
  let x = 0;
  let y = 0;
  for (const p of pts) {
    x += p.x;
    y += p.y;
  }
  return { x: x / pts.length, y: y / pts.length };
}

/**
 * The square crop that face-api's dlib-style alignment takes around 68 landmarks (image pixels): sized from the
 * eye-to-mouth distance, centred on the eyes and mouth (FaceLandmarks.alignDlib).
 */
export function alignedFaceRect(landmarks: readonly Point[], imageWidth: number, imageHeight: number): Rect {
  if (landmarks.length !== 68) throw new RangeError(`alignedFaceRect: expected 68 landmarks, got ${landmarks.length}`);
  const leftEye = centre(landmarks.slice(36, 42));
  const rightEye = centre(landmarks.slice(42, 48));
  const mouth = centre(landmarks.slice(48, 68));
  const dist = (p: Point): number => Math.sqrt((mouth.x - p.x) ** 2 + (mouth.y - p.y) ** 2);
  const eyeToMouth = (dist(leftEye) + dist(rightEye)) / 2;
  const size = Math.floor(eyeToMouth / 0.45);
  const ref = centre([leftEye, rightEye, mouth]);
  const x = Math.floor(Math.max(0, ref.x - 0.5 * size));
  const y = Math.floor(Math.max(0, ref.y - 0.43 * size));
  // face-api's bound (imageWidth + x) never clips; the crop is clipped to the image afterwards.
  return { x, y, width: Math.min(size, imageWidth + x), height: Math.min(size, imageHeight + y) };
}
