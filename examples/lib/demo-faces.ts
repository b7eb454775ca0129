// Demo stage 2: face recognition on face-api's six party photos. The people of two photos are enrolled in a
// SQLite face database under the names of the hand labels in data/faces-pairs.json; then every face is
// identified (a name, or "unknown" past the calibrated threshold) in another rendering of an enrolled photo
// (mirrored and darkened: a door camera at night) and in the other photos, and checked against the labels.
// The photos are written with boxes and names drawn in.
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import {
  Canvas, type EmbeddedFace, FaceDatabase, type LabelledFace, type PhotoVariant, Progbar, type Report, type Rgb, type Tensor,
  defaultFacePairsPath, distanceToPerson, embedFaces, faceEmbeddingModelId, facePairsPhotoPath, identifyPeople, loadFacePairs,
  readImage, renderVariant, resolveThreshold, writeImage,
} from "../../src/index.js";
import { type StageContext, shrinkTo } from "./demo-common.js";

/** One identified face: where, who the labels say, who the system says. */
export interface FaceVerdict {
  /** The photo and how it was rendered ("sample4.jpg mirrored, dark"). */
  view: string;
  /** The hand label's face id (e.g. "s3-f2"), or null for a detection no label covers. */
  faceId: string | null;
  truth: string | null;
  name: string;
  /** Distance to the nearest enrolled person. */
  distance: number;
  /** Distance to the person's own enrolled face, when the hand label names an enrolled person. */
  ownDistance: number | null;
  /** "correct", "correct: unknown", "wrong name", "missed" (an enrolled person called unknown), or "unlabelled". */
  verdict: string;
}

export interface FacesStage {
  /** Path of the SQLite face database. */
  database: string;
  enrolled: { name: string; photo: string }[];
  verdicts: FaceVerdict[];
  threshold: number;
  thresholdSource: string;
  detections: number;
  files: string[];
}

interface View {
  photo: string;
  variants: PhotoVariant[];
}

const GREEN: Rgb = [40, 200, 80];
const RED: Rgb = [225, 50, 40];
const BLUE: Rgb = [40, 120, 230];

function iou(a: readonly number[], b: readonly number[]): number {
  const x0 = Math.max(a[0], b[0]);
  const y0 = Math.max(a[1], b[1]);
  const x1 = Math.min(a[0] + a[2], b[0] + b[2]);
  const y1 = Math.min(a[1] + a[3], b[1] + b[3]);
  const inter = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  return inter / (a[2] * a[3] + b[2] * b[3] - inter);
}

function verdictOf(truth: string | null, name: string, enrolled: ReadonlySet<string>): string {
  if (truth === null) return "unlabelled";
  if (name === "unknown") return enrolled.has(truth) ? "missed" : "correct: unknown";
  return name === truth ? "correct" : "wrong name";
}

const viewName = (v: View) => (v.variants.length ? `${v.photo} ${v.variants.map((x) => (x === "mirror" ? "mirrored" : x)).join(", ")}` : v.photo);

/** Detects, enrolls, identifies, draws, and adds the face section to the report. */
export async function facesStage(ctx: StageContext, report: Report): Promise<FacesStage> {
  const { log } = ctx;
  const pairsPath = defaultFacePairsPath();
  const pairs = loadFacePairs(pairsPath);
  const enrollPhotos = ctx.fast ? ["sample1.jpg"] : ["sample1.jpg", "sample4.jpg"];
  const views: View[] = ctx.fast
    ? [{ photo: "sample1.jpg", variants: ["mirror", "dark"] }]
    : [
        { photo: "sample4.jpg", variants: ["mirror", "dark"] },
        { photo: "sample3.jpg", variants: [] },
        { photo: "sample6.jpg", variants: [] },
        { photo: "sample2.jpg", variants: [] },
        { photo: "sample5.jpg", variants: [] },
      ];
  const files: string[] = [];
  let detections = 0;
  // One bar for enrollment, one for identification, each finished before anything else is printed.
  let bar = new Progbar(enrollPhotos.length, { stream: ctx.progress, unitName: "photo", verbose: ctx.tty ? 1 : 2 });
  let done = 0;

  /** The photo rendered as the view asks, its faces (box, landmarks, descriptor), and its labels' boxes mapped into it. */
  async function embedView(view: View) {
    let image = await readImage(facePairsPhotoPath(pairsPath, pairs.photos[view.photo].path));
    const labels = pairs.faces.filter((f) => f.photo === view.photo).map((f) => ({ face: f, box: [...f.box] }));
    for (const v of view.variants) {
      const r = await renderVariant(image, v);
      image = r.image;
      for (const l of labels) {
        const m = r.mapBox({ x: l.box[0], y: l.box[1], width: l.box[2], height: l.box[3] });
        l.box = [m.x, m.y, m.width, m.height];
      }
    }
    const faces = embedFaces(image);
    detections += faces.length;
    bar.update(++done);
    // The hand label of a detection: the labelled face overlapping it by IoU >= 0.5 (as the labels' file says).
    const labelOf = (f: EmbeddedFace): LabelledFace | null =>
      labels.find((l) => iou(l.box, [f.box.x, f.box.y, f.box.width, f.box.height]) >= 0.5)?.face ?? null;
    return { image, faces, labelOf };
  }
  /** Writes the photo at most 1024 px wide with its boxes and labels drawn in; returns the file name. */
  async function annotate(name: string, image: Tensor, boxes: { face: EmbeddedFace; label: string; color: Rgb }[]) {
    const small = shrinkTo(image, 1024);
    const c = new Canvas(small.image);
    for (const b of boxes) {
      const r = b.face.box;
      const k = small.scale;
      c.labelledBox({ x: r.x * k, y: r.y * k, width: r.width * k, height: r.height * k }, b.label, { color: b.color, scale: 2, thickness: 3 });
    }
    const file = `${name}.jpg`;
    await writeImage(join(ctx.outDir, file), c.toTensor(), { quality: 85 });
    files.push(file);
    return file;
  }

  // Enrollment: every face of the enrollment photos, under its hand label's name, in a SQLite database.
  const dbPath = join(ctx.outDir, "faces.db");
  for (const f of [dbPath, `${dbPath}-wal`, `${dbPath}-shm`]) if (existsSync(f)) rmSync(f);
  const db = FaceDatabase.open(dbPath);
  const model = faceEmbeddingModelId();
  const enrolled: { name: string; photo: string }[] = [];
  const enrollFiles: string[] = [];
  const verdicts: FaceVerdict[] = [];
  const identifyFiles: [string, string][] = [];
  let threshold: { threshold: number; source: string };
  try {
    for (const photo of enrollPhotos) {
      const { image, faces, labelOf } = await embedView({ photo, variants: [] });
      const boxes = faces.map((face) => {
        const label = labelOf(face);
        if (label) {
          db.enroll(label.identity, model, [{ descriptor: face.descriptor, source: photo, box: face.box }]);
          enrolled.push({ name: label.identity, photo });
        }
        return { face, label: label ? label.identity : "?", color: BLUE };
      });
      enrollFiles.push(await annotate(`enrolled-${photo.replace(/\.jpg$/, "")}`, image, boxes));
    }
    threshold = resolveThreshold(db, model);
    log(`  enrolled ${db.people().length} people from ${enrollPhotos.join(", ")} in ${dbPath}: ${db.people().map((p) => p.name).join(", ")}`);
    log(`  threshold ${threshold.threshold} (${threshold.source === "deepts" ? "calibrated by deepts for this model" : threshold.source})`);

    // Identification: every face of each view, against the database.
    bar = new Progbar(views.length, { stream: ctx.progress, unitName: "photo", verbose: ctx.tty ? 1 : 2 });
    done = 0;
    const gallery = db.gallery(model);
    const names = new Set(gallery.keys());
    for (const view of views) {
      const { image, faces, labelOf } = await embedView(view);
      const ids = identifyPeople(db, faces.map((f) => f.descriptor), { model });
      const boxes = faces.map((face, i) => {
        const id = ids[i];
        const label = labelOf(face);
        const truth = label?.identity ?? null;
        const own = truth !== null && gallery.has(truth) ? distanceToPerson(face.descriptor, gallery.get(truth)!) : null;
        verdicts.push({ view: viewName(view), faceId: label?.id ?? null, truth, name: id.name, distance: id.distance, ownDistance: own, verdict: verdictOf(truth, id.name, names) });
        return { face, label: `${id.name} ${id.distance.toFixed(2)}`, color: id.name === "unknown" ? RED : GREEN };
      });
      const file = await annotate(`identified-${view.photo.replace(/\.jpg$/, "")}${view.variants.map((v) => `-${v}`).join("")}`, image, boxes);
      identifyFiles.push([file, viewName(view)]);
    }
  } finally {
    db.close();
  }
  const right = verdicts.filter((v) => v.verdict.startsWith("correct")).length;
  log(`  identified ${verdicts.length} faces in ${views.length} views: ${right} agree with the hand labels`);
  for (const v of verdicts.filter((v) => !v.verdict.startsWith("correct")))
    log(`    ${v.view} ${v.faceId ?? "?"}: labelled ${v.truth ?? "?"}, identified as ${v.name} at ${v.distance.toFixed(3)} (${v.verdict})`);

  const t = threshold.threshold;
  const s = report.section("2. Face recognition: enroll, then identify (course 4, week 4)");
  s.paragraph(
    "The pipeline runs face-api's pretrained networks (from the npm package @vladmandic/face-api) on deepts' engine: the SSD " +
      "MobileNetV1 detector finds each face, the 68-point landmark net places eyes and mouth, the aligned square is cut out, " +
      "and the ResNet-34-like FaceRecognitionNet (dlib's) turns it into a 128-number descriptor. Two descriptors of the same " +
      `person should lie closer than the threshold, ${t} (Euclidean distance; ` +
      (threshold.source === "deepts" ? "calibrated by deepts on the hand-labelled pairs of data/faces-pairs.json, see docs/faces.md)." : `${threshold.source}).`),
  );
  s.paragraph(
    `Enrollment (blue boxes): every face in ${enrollPhotos.join(" and ")} is stored in a SQLite face database (faces.db beside ` +
      "this page) under the name of its hand label; the people are not named, so they are p01, p02, ...",
  );
  s.images(enrollFiles.map((f) => [f, { caption: `enrolled: ${f}` }] as const));
  s.paragraph(
    "Identification: every face gets the enrolled name at the smallest distance (green), or \"unknown\" when even that is at the " +
      "threshold or farther (red); the number is the distance. First one of the enrolled photos mirrored and darkened, as a door " +
      "camera might see the same people at night; then other photos of the same party" +
      (ctx.fast ? "." : ": p03 (sample1, right) appears again in sample3 (middle), p09 (sample4) in sample6, and everyone else is a stranger."),
  );
  s.images(identifyFiles.map(([f, v]) => [f, { caption: `identified: ${v}` }] as const));
  const returning = verdicts.filter((v) => v.ownDistance !== null && v.view.indexOf(" ") < 0);
  const strangers = verdicts.filter((v) => v.truth !== null && !enrolled.some((e) => e.name === v.truth));
  const strangersNamed = strangers.filter((v) => v.name !== "unknown").length;
  s.paragraph(
    `${right} of ${verdicts.length} faces agree with the hand labels; ${strangersNamed} of ${strangers.length} strangers were given a name. ` +
      (returning.length > 0
        ? `The enrolled people who appear in a different photo lie at ${returning.map((v) => `${v.ownDistance!.toFixed(2)} (${v.truth})`).join(" and ")} ` +
          "from their enrolled face: on these party photos (make-up, tilted heads, eyes down) this descriptor net separates a new photo of " +
          "someone from a stranger poorly, and the threshold is set so that no stranger gets in, at the cost of missing them. " +
          "This table is a measurement, not a showcase."
        : ""),
  );
  s.table(
    ["view", "face", "hand label", "identified as", "distance", "distance to own enrolled face", "verdict"],
    verdicts.map((v) => [v.view, v.faceId ?? "-", v.truth ?? "-", v.name, v.distance.toFixed(3), v.ownDistance === null ? "-" : v.ownDistance.toFixed(3), v.verdict]),
  );
  return { database: dbPath, enrolled, verdicts, threshold: t, thresholdSource: threshold.source, detections, files };
}
