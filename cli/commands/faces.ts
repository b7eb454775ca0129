// `deepts faces <enroll|verify|identify|list|remove|export|import|calibrate>`: the face recognition system
// of the course (C4W4): a database of people's face descriptors, verification ("is this NAME?") and
// identification ("who is this?"). Input is checked before any write: a refused command changes nothing.
import { readFileSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import { CliError, defineCommand, UsageError } from "../lib/command.js";
import {
  THRESHOLD_SOURCE, checkOutputImage, checkPhotoPath, dbOption, dbStep, defaultAnnotatedPath, detectOptions, facesIn, fmtBox,
  fmtDist, largest, loadEmbedder, loadFaces, modelOptions, noteUncalibrated, openDb, pipelineOptions, readPhoto, seconds, writeAnnotated,
} from "./_faces-run.js";
import { calibrate } from "./_faces-calibrate.js";

const matchOptions = {
  threshold: { type: "number", placeholder: "T", description: "match when the distance is below T (default: the database's calibrated threshold, else the one stored beside the model's weights, else deepts' for the model (0.434 for face-api's), else 0.6 (0.7 for the course's FaceNet))" },
  aggregate: {
    type: "string", choices: ["min", "mean"], default: "min",
    description: "distance to a person with several faces: the nearest one (as the course) or the mean (as face-api)",
  },
} as const;

function checkThreshold(t: number | undefined): void {
  if (t !== undefined && !(t > 0)) throw new UsageError(`--threshold must be positive, got ${t}`);
}

const enroll = defineCommand({
  name: "enroll",
  summary: "add a person's face from one or more photos",
  description:
    "Finds the face in each photo, computes its 128-D descriptor and stores them all under NAME in one transaction: " +
    "if any photo is missing, unreadable or has no face, nothing is stored. A photo with several faces is refused " +
    "unless --largest is given. Enrolling an existing NAME adds to their faces.",
  args: [
    { name: "NAME", description: "the person's name" },
    { name: "IMAGES", description: "photos of the person (JPEG, PNG or WebP)", variadic: true },
  ],
  options: { ...dbOption, ...modelOptions, ...pipelineOptions, largest: { type: "boolean", description: "in a photo with several faces, take the largest" } },
  examples: [
    "deepts faces enroll ada ada1.jpg ada2.jpg", "deepts faces enroll alan group.jpg --largest --db house.db",
    "deepts faces enroll ada ada1.jpg --model facenet.h5 --db course.db",
  ],
  async run({ args, options: o, stdout }) {
    const name = args.NAME as string;
    const images = args.IMAGES as string[];
    const lib = await loadFaces();
    try {
      lib.checkPersonName(name);
    } catch (e) {
      throw new UsageError((e as Error).message.replace(/^checkPersonName: /, ""));
    }
    const detect = detectOptions(o);
    for (const p of images) checkPhotoPath("IMAGE", p);
    const embedder = await loadEmbedder(lib, o); // before the database: a bad model file creates nothing
    const t0 = performance.now();
    const model = embedder.id;
    const db = openDb(lib, o.db, "write");
    try {
      dbStep(lib, () => db.checkModel("enroll", model));
      const photos = [];
      for (const p of images) photos.push(await readPhoto(p));
      const rows: { descriptor: Float32Array; source: string; box: [number, number, number, number] }[] = [];
      for (const [i, img] of photos.entries()) {
        const p = images[i];
        const faces = facesIn(lib, img, { ...detect, embedder });
        if (faces.length === 0) throw new CliError(`no face found in ${JSON.stringify(p)}; nothing was enrolled`);
        if (faces.length > 1 && !o.largest)
          throw new CliError(`${JSON.stringify(p)} has ${faces.length} faces; crop it to ${name}'s face or pass --largest; nothing was enrolled`);
        const f = largest(faces);
        rows.push({ descriptor: f.descriptor, source: basename(p), box: [f.box.x, f.box.y, f.box.width, f.box.height] });
        stdout.write(`${basename(p)}: face at ${fmtBox(f.box)} (score ${f.score.toFixed(2)})${faces.length > 1 ? `, the largest of ${faces.length}` : ""}\n`);
      }
      dbStep(lib, () => db.enroll(name, model, rows));
      const total = db.people().find((p) => p.name === name)!.embeddings;
      stdout.write(`enrolled ${name}: ${rows.length} face${rows.length > 1 ? "s" : ""} (${total} in all) in ${o.db}, ${seconds(t0)}\n`);
    } finally {
      db.close();
    }
  },
});

const verify = defineCommand({
  name: "verify",
  summary: "check that the face in a photo is NAME's (exit code 0 yes, 3 no)",
  description:
    "Verification as the course's verify(): the distance between the photo's face and NAME's enrolled faces must be " +
    "below the threshold. With several faces in the photo, the largest is checked. Exit code 0 when verified, 3 when not.",
  args: [
    { name: "NAME", description: "who the person claims to be" },
    { name: "IMAGE", description: "a photo of them (JPEG, PNG or WebP)" },
  ],
  options: { ...dbOption, ...modelOptions, ...matchOptions, ...pipelineOptions, json: { type: "boolean", description: "print the result as JSON" } },
  examples: ["deepts faces verify ada door.jpg && echo open", "deepts faces verify ada door.jpg --model my-face-model --db house.db"],
  async run({ args, options: o, stdout, stderr }) {
    const name = args.NAME as string;
    const image = args.IMAGE as string;
    checkThreshold(o.threshold);
    const detect = detectOptions(o);
    checkPhotoPath("IMAGE", image);
    const lib = await loadFaces();
    const embedder = await loadEmbedder(lib, o);
    const model = embedder.id;
    const db = openDb(lib, o.db, "read");
    try {
      dbStep(lib, () => db.descriptorsOf(name, model)); // an unknown name or another model: before the slow part
      noteUncalibrated(lib, db, embedder, o.threshold, stderr);
      const img = await readPhoto(image);
      const faces = facesIn(lib, img, { ...detect, embedder });
      if (faces.length === 0) throw new CliError(`no face found in ${JSON.stringify(image)}`);
      const face = largest(faces);
      if (faces.length > 1 && !o.json) stderr.write(`${faces.length} faces in ${basename(image)}; checking the largest, at ${fmtBox(face.box)}\n`);
      const v = dbStep(lib, () => lib.verifyPerson(db, name, face.descriptor, { model, threshold: o.threshold, aggregate: o.aggregate as "min" | "mean", embedder }));
      if (o.json) stdout.write(JSON.stringify({ ...v, box: face.box, faces: faces.length }) + "\n");
      else
        stdout.write(
          v.match
            ? `${name}: verified (distance ${fmtDist(v.distance)} < threshold ${fmtDist(v.threshold)})\n`
            : `not ${name}: distance ${fmtDist(v.distance)} >= threshold ${fmtDist(v.threshold)}\n`,
        );
      return v.match ? 0 : 3;
    } finally {
      db.close();
    }
  },
});

const identify = defineCommand({
  name: "identify",
  summary: "name every face in a photo and write an annotated copy",
  description:
    "Identification as the course's who_is_it(): each face gets the enrolled person at the smallest distance, or " +
    "\"unknown\" when even they are at the threshold or farther. Prints each face's box, name and distance and " +
    "writes the photo with boxes and names drawn in (green: known, red: unknown).",
  args: [{ name: "IMAGE", description: "the photo (JPEG, PNG or WebP)" }],
  options: {
    ...dbOption,
    output: { type: "string", short: "o", placeholder: "OUT", description: "the annotated image, .png/.jpg/.webp (default: IMAGE's name + -faces, here)" },
    annotate: { type: "boolean", default: true, description: "write the annotated image (--no-annotate: only print)" },
    ...modelOptions,
    ...matchOptions,
    ...pipelineOptions,
    json: { type: "boolean", description: "print the faces as JSON" },
  },
  examples: ["deepts faces identify party.jpg -o party-named.jpg"],
  async run({ args, options: o, stdout, stderr }) {
    const image = args.IMAGE as string;
    checkThreshold(o.threshold);
    const detect = detectOptions(o);
    checkPhotoPath("IMAGE", image);
    const out = o.annotate ? checkOutputImage("-o", o.output ?? defaultAnnotatedPath(image)) : null;
    const lib = await loadFaces();
    const embedder = await loadEmbedder(lib, o);
    const model = embedder.id;
    const db = openDb(lib, o.db, "read");
    try {
      const gallery = dbStep(lib, () => db.gallery(model));
      if (gallery.size === 0) throw new CliError(`nobody is enrolled in ${o.db}; enroll someone first (deepts faces enroll NAME IMAGES...)`);
      noteUncalibrated(lib, db, embedder, o.threshold, stderr);
      const t0 = performance.now();
      const img = await readPhoto(image);
      const faces = facesIn(lib, img, { ...detect, embedder });
      if (faces.length === 0) throw new CliError(`no face found in ${JSON.stringify(image)}`);
      const ids = dbStep(lib, () => lib.identifyPeople(db, faces.map((f) => f.descriptor), { model, threshold: o.threshold, aggregate: o.aggregate as "min" | "mean", embedder }));
      const took = seconds(t0);
      const rows = faces.map((f, i) => ({ box: f.box, score: f.score, ...ids[i], known: ids[i].name !== lib.UNKNOWN_NAME }));
      if (out) await writeAnnotated(img, rows, out);
      if (o.json) {
        stdout.write(JSON.stringify({ image, faces: rows.map(({ known: _, ...r }) => r), annotated: out }) + "\n");
        return;
      }
      rows.forEach((r, i) => {
        const who = r.known ? `${r.name} (distance ${fmtDist(r.distance)})` : `unknown (nearest ${r.nearest ?? "-"} at ${fmtDist(r.distance)})`;
        stdout.write(`face ${i + 1} at ${fmtBox(r.box)}: ${who}\n`);
      });
      const known = rows.filter((r) => r.known).length;
      stdout.write(`${rows.length} face${rows.length > 1 ? "s" : ""}, ${known} known, threshold ${fmtDist(ids[0].threshold)}, in ${took}${out ? `; annotated image: ${out}` : ""}\n`);
    } finally {
      db.close();
    }
  },
});

const list = defineCommand({
  name: "list",
  summary: "list the enrolled people",
  options: {
    ...dbOption,
    ...modelOptions,
    json: { type: "boolean", description: "print as JSON" },
  },
  async run({ options: o, stdout }) {
    const lib = await loadFaces();
    // The model only matters for the threshold shown (one stored beside its weights); face-api's by default.
    const embedder = o.model !== undefined || o["model-dir"] !== undefined ? await loadEmbedder(lib, o) : undefined;
    const db = openDb(lib, o.db, "read");
    try {
      const people = db.people();
      const model = dbStep(lib, () => db.model());
      if (o.json) {
        stdout.write(JSON.stringify({ db: o.db, model, thresholds: db.thresholds(), people }) + "\n");
        return;
      }
      if (people.length === 0) {
        stdout.write(`nobody is enrolled in ${o.db}\n`);
        return;
      }
      const w = Math.max(4, ...people.map((p) => p.name.length));
      stdout.write(`${"name".padEnd(w)}  faces  enrolled\n`);
      for (const p of people) stdout.write(`${p.name.padEnd(w)}  ${String(p.embeddings).padStart(5)}  ${p.createdAt.slice(0, 19).replace("T", " ")}\n`);
      if (embedder && model !== null) dbStep(lib, () => db.checkModel("list", embedder.id));
      const t = lib.resolveThreshold(db, model ?? embedder?.id ?? lib.faceEmbeddingModelId(), undefined, embedder);
      const why = THRESHOLD_SOURCE[t.source];
      stdout.write(`${people.length} ${people.length > 1 ? "people" : "person"}; model ${model}; threshold ${t.threshold} (${why})\n`);
    } finally {
      db.close();
    }
  },
});

const remove = defineCommand({
  name: "remove",
  summary: "remove a person and all their faces",
  args: [{ name: "NAME", description: "the person to remove" }],
  options: dbOption,
  async run({ args, options: o, stdout }) {
    const name = args.NAME as string;
    const lib = await loadFaces();
    const db = openDb(lib, o.db, "read");
    db.close(); // a missing file is an error, not a new empty database
    const rw = openDb(lib, o.db, "write");
    try {
      const n = dbStep(lib, () => rw.remove(name));
      stdout.write(`removed ${name} (${n} face${n === 1 ? "" : "s"}) from ${o.db}\n`);
    } finally {
      rw.close();
    }
  },
});

const exportCmd = defineCommand({
  name: "export",
  summary: "write the database as JSON (to a file or standard output)",
  options: { ...dbOption, output: { type: "string", short: "o", placeholder: "FILE", description: "the JSON file (default: standard output)" } },
  async run({ options: o, stdout }) {
    const lib = await loadFaces();
    const db = openDb(lib, o.db, "read");
    try {
      const text = JSON.stringify(db.exportJSON(), null, 1) + "\n";
      if (o.output === undefined) stdout.write(text);
      else {
        writeFileSync(o.output, text);
        stdout.write(`wrote ${db.people().length} people to ${o.output}\n`);
      }
    } finally {
      db.close();
    }
  },
});

const importCmd = defineCommand({
  name: "import",
  summary: "add the people of an exported JSON file (checked first; all or nothing)",
  args: [{ name: "FILE", description: "a file written by deepts faces export" }],
  options: {
    ...dbOption,
    "on-conflict": {
      type: "string", choices: ["error", "append", "replace"], default: "error",
      description: "a name already enrolled: refuse the whole import, add to their faces, or replace their faces",
    },
  },
  async run({ args, options: o, stdout }) {
    const file = args.FILE as string;
    checkPhotoPath("FILE", file);
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(file, "utf8"));
    } catch (e) {
      throw new CliError(`${JSON.stringify(file)} is not JSON: ${(e as Error).message}`);
    }
    const lib = await loadFaces();
    const db = openDb(lib, o.db, "write");
    try {
      const r = dbStep(lib, () => {
        try {
          return db.importJSON(data, { onConflict: o["on-conflict"] as "error" | "append" | "replace" });
        } catch (e) {
          if (e instanceof RangeError || e instanceof TypeError) {
            const msg = e.message.replace(/^FaceDatabase\.importJSON: /, "").replace("(choose to append to or replace them)", "(--on-conflict append or replace)");
            throw new CliError(`${file}: ${msg}`);
          }
          throw e;
        }
      });
      stdout.write(`imported ${r.people} people (${r.embeddings} faces) into ${o.db}\n`);
    } finally {
      db.close();
    }
  },
});

const calibrateCmd = defineCommand({
  name: "calibrate",
  summary: "measure verification on labelled pairs and pick the threshold (optionally stored in the database)",
  description:
    "Runs the face pipeline on the photos of a labelled pairs file (default: deepts' data/faces-pairs.json, the six " +
    "photos shipped with face-api), computes the distance of every pair, and reports the ROC AUC and the threshold " +
    "with the best accuracy. --variants adds certain same-face pairs from other renderings of the photos (mirrored, " +
    "half size, JPEG quality 30, darkened). --save stores the threshold in the database, where verify and identify use it.",
  args: [{ name: "PAIRS", description: "a labelled pairs JSON file (format of data/faces-pairs.json)", optional: true }],
  options: {
    ...dbOption,
    ...modelOptions,
    ...pipelineOptions,
    variants: { type: "boolean", description: "add same-face pairs from mirrored, half-size, JPEG-30 and darkened photos" },
    metric: { type: "string", choices: ["accuracy", "balanced"], default: "accuracy", description: "what the threshold maximises" },
    save: { type: "boolean", description: "store the threshold in the database (--db) for this embedding model" },
    "save-model": { type: "boolean", description: "store the threshold beside the weights of --model (its face-model.json), where every database finds it" },
    json: { type: "boolean", description: "print the report as JSON" },
  },
  examples: [
    "deepts faces calibrate --variants", "deepts faces calibrate my-pairs.json --save --db house.db",
    "deepts faces calibrate --variants --model my-face-model --save-model",
  ],
  async run({ args, options: o, stdout, stderr }) {
    return calibrate(args.PAIRS as string | undefined, o, stdout, stderr);
  },
});

export default defineCommand({
  name: "faces",
  summary: "face recognition: enroll people, verify a claimed identity, identify everyone in a photo",
  description:
    "A face database (SQLite, --db, default ./deepts-faces.db) of 128-D descriptors from face-api's pretrained " +
    "networks run on deepts: detection (SSD MobileNetV1), 68 landmarks, alignment, FaceRecognitionNet. --model " +
    "selects another embedding model: a net fine-tuned by deepts faces-train, or the course's FaceNet with your " +
    "weights. Every descriptor records its model, and descriptors of different models are never compared. See docs/faces.md.",
  subcommands: [enroll, verify, identify, list, remove, exportCmd, importCmd, calibrateCmd],
  examples: ["deepts faces enroll ada ada1.jpg ada2.jpg", "deepts faces verify ada door.jpg", "deepts faces identify party.jpg"],
});
