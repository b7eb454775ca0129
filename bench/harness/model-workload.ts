// The shape shared by whole-model workloads (resnet50.ts, mobilenetv2.ts): inference (predictOnBatch) or one
// training step (trainOnBatch, Adam) of a Keras application with random weights, on deepts (its
// applications), TF.js (layers rebuilt in engines/tfjs-models.ts), ONNX Runtime (inference, exported from
// the PyTorch twin), and Keras / PyTorch (bench/py/workloads/<name>.py).
import type { Deepts } from "../engines/deepts.js";
import type { Tfjs } from "../engines/tfjs.js";
import { randomFloats } from "./random.js";
import { NotAvailable, type BenchCase, type Impl } from "./types.js";
import type { Workload } from "./workload.js";

export interface ModelSpec {
  mode: "inference" | "train";
  batch: number;
  size: number;
  classes: number;
}

export function modelCase(label: string, spec: ModelSpec): BenchCase<ModelSpec> {
  const what = spec.mode === "inference" ? "inference" : "train step";
  return { name: `${label} ${what}, batch ${spec.batch}, ${spec.size}×${spec.size}×3`, spec };
}

export function modelWorkload(
  name: string,
  description: string,
  cases: BenchCase<ModelSpec>[],
  buildTfjs: (tf: Tfjs, size: number, classes: number) => Tfjs,
  buildDeepts: (dt: Deepts, size: number, classes: number) => ReturnType<Deepts["resnet50"]>,
): Workload<ModelSpec> {
  const deepts: Impl<Deepts, ModelSpec> = (dt, s) => {
    const model = buildDeepts(dt, s.size, s.classes);
    const x = dt.randomUniform([s.batch, s.size, s.size, 3]);
    if (s.mode === "inference") return () => model.predictOnBatch(x);
    model.compile({ optimizer: "adam", loss: "categorical_crossentropy" });
    const labels = Int32Array.from({ length: s.batch }, () => Math.floor(Math.random() * s.classes));
    const y = dt.oneHot(dt.tensor(labels, [s.batch], "int32"), s.classes);
    return () => model.trainOnBatch(x, y);
  };
  const tfjs: Impl<Tfjs, ModelSpec> = (tf, s) => {
    if (s.mode === "train" && !tf.getKernel("Conv2DBackpropFilter", tf.getBackend())) {
      throw new NotAvailable(`TF.js ${tf.getBackend()} has no Conv2DBackpropFilter kernel`);
    }
    const model = buildTfjs(tf, s.size, s.classes);
    const x = tf.randomUniform([s.batch, s.size, s.size, 3]);
    if (s.mode === "inference") {
      return () => {
        const y = model.predict(x);
        y.dataSync();
        y.dispose();
      };
    }
    model.compile({ optimizer: tf.train.adam(0.001), loss: "categoricalCrossentropy" });
    const y = tf.oneHot(tf.randomUniform([s.batch], 0, s.classes, "int32"), s.classes);
    return () => model.trainOnBatch(x, y);
  };
  return {
    name,
    description,
    cases,
    impls: {
      "deepts-native": deepts,
      "deepts-js": deepts,
      "tfjs-cpu": tfjs,
      "tfjs-wasm": tfjs,
      async ort({ ort, session }, s) {
        if (s.mode !== "inference") throw new NotAvailable("ONNX Runtime runs inference only");
        const sess = await session(name, { batch: s.batch, size: s.size, classes: s.classes });
        const shape = [s.batch, 3, s.size, s.size];
        const feeds = { x: new ort.Tensor("float32", randomFloats(shape.reduce((a, b) => a * b)), shape) };
        return () => sess.run(feeds);
      },
    },
  };
}
