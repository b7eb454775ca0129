// One training step (forward, loss, backward, Adam update) of the HappyModel from the Coursera CNN course:
// ZeroPadding2D(3) → Conv2D(32, 7×7) → BatchNormalization → ReLU → MaxPool2D(2) → Flatten → Dense(1, sigmoid),
// binary cross-entropy, on a batch of 32 images of 64×64×3.
import type { Deepts } from "../engines/deepts.js";
import type { Tfjs } from "../engines/tfjs.js";
import { NotAvailable, type Impl } from "../harness/types.js";
import { defineWorkload } from "../harness/workload.js";

export interface HappySpec {
  batch: number;
  size: number;
}

const deepts: Impl<Deepts, HappySpec> = (dt, { batch, size }) => {
  const model = dt.happyModel({ inputShape: [size, size, 3] });
  model.compile({ optimizer: "adam", loss: "binary_crossentropy" });
  const x = dt.randomUniform([batch, size, size, 3]);
  const y = dt.tensor(labels(batch), [batch, 1]);
  return () => model.trainOnBatch(x, y);
};

/** Random 0/1 labels. */
function labels(batch: number): Float32Array {
  return Float32Array.from({ length: batch }, () => (Math.random() < 0.5 ? 0 : 1));
}

const tfjs: Impl<Tfjs, HappySpec> = (tf, { batch, size }) => {
  if (!tf.getKernel("Conv2DBackpropFilter", tf.getBackend())) {
    throw new NotAvailable(`TF.js ${tf.getBackend()} has no Conv2DBackpropFilter kernel`);
  }
  const model = tf.sequential({
    layers: [
      tf.layers.zeroPadding2d({ padding: 3, inputShape: [size, size, 3] }),
      tf.layers.conv2d({ filters: 32, kernelSize: 7, strides: 1 }),
      tf.layers.batchNormalization({ axis: 3 }),
      tf.layers.reLU(),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 1, activation: "sigmoid" }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.001), loss: "binaryCrossentropy" });
  const x = tf.randomUniform([batch, size, size, 3]);
  const y = tf.cast(tf.greater(tf.randomUniform([batch, 1]), 0.5), "float32");
  return () => model.trainOnBatch(x, y);
};

export default defineWorkload<HappySpec>({
  name: "happy",
  description: "HappyModel training step (Keras model.train_on_batch equivalent)",
  cases: [{ name: "HappyModel train step, batch 32, 64×64×3", spec: { batch: 32, size: 64 } }],
  impls: { "deepts-native": deepts, "deepts-js": deepts, "tfjs-cpu": tfjs, "tfjs-wasm": tfjs },
  missing: { ort: "ONNX Runtime runs inference only" },
});
