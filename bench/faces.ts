// End-to-end face recognition on a 1920-px photo: detect every face (SSD MobileNetV1), find its 68 landmarks,
// cut the aligned crop and compute the 128-D descriptor. deepts (native backend; 1 and 2 threads) side by side
// with @vladmandic/face-api 1.7.15 on TF.js 4.22 (cpu backend, and wasm) in the same process, on the same
// decoded pixels; the descriptors of both sides are compared.
//
//   node --import tsx bench/faces.ts [--photo demo/sample1.jpg] [--reps 5] [--tfjs cpu,wasm] [--tfjs-reps 1] [--no-install]
//
// Writes bench/results/faces-<date>.md and prints it.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import Module, { createRequire } from "node:module";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { getBackend } from "../src/index.js";
import { nativeAddon } from "../src/backends/native/index.js";
import { readImage } from "../src/io/images.js";
import { detectFaceBoxes, embedFaces, euclideanDistance, faceApiModelDir, faceDescriptors, faceLandmarks, loadFaceNet } from "../src/tasks/faces/index.js";
import { alignedFaceRect, clipRect } from "../src/tasks/faces/geometry.js";
import { crop } from "../src/tasks/faces/preprocess.js";
import { ensurePeers } from "./harness/peers.js";
import { benchDir } from "./harness/runner.js";

const { values } = parseArgs({
  options: {
    photo: { type: "string", default: "demo/sample1.jpg" },
    reps: { type: "string", default: "5" },
    tfjs: { type: "string", default: "cpu,wasm" },
    "tfjs-reps": { type: "string", default: "1" },
    "no-install": { type: "boolean", default: false },
  },
});
const log = (s: string): void => void process.stderr.write(s + "\n");
const reps = Number(values.reps);
const tfjsReps = Number(values["tfjs-reps"]);
const tfjsBackends = values.tfjs!.split(",").map((s) => s.trim()).filter(Boolean);
const photoPath = join(faceApiModelDir(), "..", values.photo!);

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const ms = (t0: number): number => performance.now() - t0;

interface Row {
  engine: string;
  threads: string;
  firstMs: number;
  medianMs: number;
  faces: number;
  note: string;
}
const rows: Row[] = [];

// ---- deepts ----
let t0 = performance.now();
const img = await readImage(photoPath);
const decodeMs = ms(t0);
t0 = performance.now();
for (const n of ["ssdMobilenetv1", "faceLandmark68Net", "faceRecognitionNet"] as const) loadFaceNet(n);
const loadMs = ms(t0);
const addon = nativeAddon();
const threadCounts = getBackend() === "native" && addon ? [1, Math.min(2, cpus().length)].filter((v, i, a) => a.indexOf(v) === i) : [0];
let deeptsFaces = embedFaces(img);
const breakdown: Record<string, number> = {};
for (const threads of threadCounts) {
  if (threads) addon!.setNumThreads(threads);
  t0 = performance.now();
  deeptsFaces = embedFaces(img);
  const first = ms(t0);
  const times: number[] = [];
  for (let r = 0; r < reps; r++) {
    t0 = performance.now();
    embedFaces(img);
    times.push(ms(t0));
  }
  rows.push({ engine: `deepts (${getBackend()})`, threads: threads ? String(threads) : "1", firstMs: first, medianMs: median(times), faces: deeptsFaces.length, note: `median of ${reps}` });
  log(`deepts ${threads} thread(s): ${median(times).toFixed(0)} ms`);
}
// Where the time goes (last thread count): detector, landmarks, descriptors.
{
  const [h, w] = img.shape;
  const parts: Record<string, number[]> = { detect: [], landmarks: [], descriptors: [] };
  for (let r = 0; r < reps; r++) {
    t0 = performance.now();
    const boxes = detectFaceBoxes(img);
    parts.detect.push(ms(t0));
    t0 = performance.now();
    const marks = faceLandmarks(img, boxes);
    parts.landmarks.push(ms(t0));
    t0 = performance.now();
    faceDescriptors(marks.map((m) => crop(img, clipRect(alignedFaceRect(m, w, h), w, h))));
    parts.descriptors.push(ms(t0));
  }
  for (const [k, v] of Object.entries(parts)) breakdown[k] = median(v);
}

// ---- face-api on TF.js ----
const agreement: string[] = [];
if (tfjsBackends.length > 0 && (values["no-install"] || ensurePeers(log))) {
  process.env.NODE_PATH = join(benchDir, "node_modules");
  (Module as unknown as { _initPaths(): void })._initPaths();
  const require = createRequire(import.meta.url);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const faceapi: any = require("@vladmandic/face-api/dist/face-api.node-wasm.js");
  const tf = faceapi.tf;
  const modelDir = faceApiModelDir();
  const load = (net: { loadFromWeightMap(m: unknown): void }, stem: string): void => {
    const manifest = JSON.parse(readFileSync(join(modelDir, `${stem}-weights_manifest.json`), "utf8"));
    const buf = readFileSync(join(modelDir, `${stem}.bin`));
    net.loadFromWeightMap(tf.io.decodeWeights(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength), manifest[0].weights));
  };
  for (const backend of tfjsBackends) {
    if (!(await tf.setBackend(backend))) {
      log(`face-api: TF.js backend ${backend} failed to start; skipped`);
      continue;
    }
    await tf.ready();
    load(faceapi.nets.ssdMobilenetv1, "ssd_mobilenetv1_model");
    load(faceapi.nets.faceLandmark68Net, "face_landmark_68_model");
    load(faceapi.nets.faceRecognitionNet, "face_recognition_model");
    const input = tf.tensor3d(Int32Array.from(img.values), img.shape, "int32");
    const run = async () => faceapi.detectAllFaces(input, new faceapi.SsdMobilenetv1Options({ minConfidence: 0.5 })).withFaceLandmarks().withFaceDescriptors();
    t0 = performance.now();
    const res = await run();
    const first = ms(t0);
    const times: number[] = [];
    for (let r = 0; r < tfjsReps; r++) {
      t0 = performance.now();
      await run();
      times.push(ms(t0));
    }
    rows.push({ engine: `face-api (TF.js ${backend})`, threads: "1", firstMs: first, medianMs: median(times), faces: res.length, note: `median of ${tfjsReps}` });
    log(`face-api ${backend}: ${median(times).toFixed(0)} ms`);
    const dist = res.map((f: { descriptor: Float32Array }, i: number) => (deeptsFaces[i] ? euclideanDistance(f.descriptor, deeptsFaces[i].descriptor) : NaN));
    agreement.push(`TF.js ${backend}: ${res.length} faces; descriptor distance to deepts' per face: ${dist.map((d: number) => d.toExponential(1)).join(", ")}`);
    input.dispose();
  }
}

// ---- report ----
const best = Math.min(...rows.filter((r) => r.engine.startsWith("deepts")).map((r) => r.medianMs));
const lines = [
  `# Face recognition end to end: ${values.photo} (${img.shape[1]}x${img.shape[0]})`,
  "",
  `${new Date().toISOString()} · ${cpus()[0]?.model ?? "cpu"} · ${cpus().length} cores · node ${process.version} · load average ${loadavg()[0].toFixed(1)} at the end (timings are noisy when it exceeds the cores)`,
  "",
  "Detect (SSD MobileNetV1, 512x512) + 68 landmarks + aligned 128-D descriptor of every face, from decoded pixels.",
  "",
  "| engine | threads | first run (ms) | warm run (ms) | faces | deepts is faster by |",
  "|---|---:|---:|---:|---:|---:|",
  ...rows.map((r) => `| ${r.engine} | ${r.threads} | ${r.firstMs.toFixed(0)} | ${r.medianMs.toFixed(0)} (${r.note}) | ${r.faces} | ${r.engine.startsWith("deepts") ? "" : `${(r.medianMs / best).toFixed(1)}x`} |`),
  "",
  `deepts, where the time goes (median of ${reps}): detector ${breakdown.detect.toFixed(0)} ms, landmarks ${breakdown.landmarks.toFixed(0)} ms, descriptors ${breakdown.descriptors.toFixed(0)} ms.`,
  `Decoding the JPEG (sharp): ${decodeMs.toFixed(0)} ms; loading the three networks: ${loadMs.toFixed(0)} ms (not in the timings).`,
  ...agreement.map((a) => `Agreement, ${a}.`),
  "",
];
const md = lines.join("\n");
mkdirSync(join(benchDir, "results"), { recursive: true });
const stamp = new Date().toISOString().slice(0, 16).replace(/[:T]/g, "-");
writeFileSync(join(benchDir, "results", `faces-${stamp}.md`), md);
console.log(md);
