// One optimisation step of neural style transfer as the Coursera course runs it (C4W4): VGG19 without its top
// (random weights: the time does not depend on them), style layers block1_conv1..block5_conv1, content layer
// block5_conv4; forward to those layers, J = 10 J_content + 40 J_style, gradient with respect to the generated
// image, Adam (lr 0.01), clip to [0, 1]. The Python side (Keras on TensorFlow, PyTorch) is bench/py/workloads/style.py.
import type { Deepts } from "../engines/deepts.js";
import { NotAvailable, type Impl } from "../harness/types.js";
import { defineWorkload } from "../harness/workload.js";

export interface StyleSpec {
  width: number;
  height: number;
}

const deepts: Impl<Deepts, StyleSpec> = async (dt, { width, height }) => {
  if (!("StyleTransfer" in dt)) throw new NotAvailable("deepts has no StyleTransfer export");
  const content = dt.randomUniform([height, width, 3], { seed: 1 });
  const style = dt.randomUniform([height, width, 3], { seed: 2 });
  const st = new dt.StyleTransfer(content, style, { backbone: await dt.vgg19Backbone({ weights: null }), seed: 3 });
  return () => st.step();
};

const notWritten = "not written: a VGG19 forward and input gradient at this size takes minutes per step in a single-threaded JS engine";

export default defineWorkload<StyleSpec>({
  name: "style",
  description: "Neural style transfer step on VGG19 (course C4W4 train_step)",
  cases: [
    { name: "VGG19 style step, 400×300", spec: { width: 400, height: 300 } },
    { name: "VGG19 style step, 64×48", spec: { width: 64, height: 48 }, quick: true },
  ],
  impls: { "deepts-native": deepts, "deepts-js": deepts },
  missing: { "tfjs-cpu": notWritten, "tfjs-wasm": notWritten, ort: "ONNX Runtime runs inference only", "jax-js": notWritten },
});
