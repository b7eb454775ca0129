// The profiled steps, as in bench/workloads: HappyModel train step (batch 32, 64x64x3), ResNet50 train
// step (batch 8, 64x64x3, 6 classes, Adam), MobileNetV2 and ResNet50 inference (batch 1, 224x224x3) and one VGG19 style-transfer
// step at 400x300 (random weights).
import * as dt from "../../src/index.js";

export async function workload(which: string): Promise<() => unknown> {
  if (which === "happy") {
    const model = dt.happyModel({ inputShape: [64, 64, 3] });
    model.compile({ optimizer: "adam", loss: "binary_crossentropy" });
    const x = dt.randomUniform([32, 64, 64, 3]);
    const y = dt.tensor(Float32Array.from({ length: 32 }, (_, i) => i % 2), [32, 1]);
    return () => model.trainOnBatch(x, y);
  }
  if (which === "resnet-train") {
    const model = dt.resnet50({ inputShape: [64, 64, 3], classes: 6 });
    model.compile({ optimizer: "adam", loss: "categorical_crossentropy" });
    const x = dt.randomUniform([8, 64, 64, 3]);
    const y = dt.oneHot(dt.tensor(Int32Array.from({ length: 8 }, (_, i) => i % 6), [8], "int32"), 6);
    return () => model.trainOnBatch(x, y);
  }
  if (which === "mobilenet") {
    const model = dt.mobileNetV2({ inputShape: [224, 224, 3] });
    const x = dt.randomUniform([1, 224, 224, 3]);
    return () => model.predictOnBatch(x);
  }
  if (which === "resnet") {
    const model = dt.resnet50({ inputShape: [224, 224, 3] });
    const x = dt.randomUniform([1, 224, 224, 3]);
    return () => model.predictOnBatch(x);
  }
  if (which === "depthwise" || which === "resnet-conv" || which === "happy-conv") {
    // The bench's conv layers (bench/workloads/conv2d.ts), forward and both gradients through a tape: the
    // MobileNetV2 depthwise 3x3 over [32,56,56,144], the ResNet50 3x3x256 over [32,16,16,256], the HappyModel 7x7x3->32.
    const [xs, ws, padding, conv] =
      which === "depthwise" ? [[32, 56, 56, 144], [3, 3, 144, 1], "same", dt.depthwiseConv2d] as const
      : which === "resnet-conv" ? [[32, 16, 16, 256], [3, 3, 256, 256], "same", dt.conv2d] as const
      : [[32, 70, 70, 3], [7, 7, 3, 32], "valid", dt.conv2d] as const;
    const x = dt.randomNormal([...xs]);
    const f = dt.randomNormal([...ws], { stddev: 0.1 });
    const dy = dt.randomNormal([...conv(x, f, { padding }).shape]);
    return () => {
      const tape = new dt.GradientTape();
      tape.watch(x, f);
      const y = tape.run(() => conv(x, f, { padding }));
      return tape.gradient(y, [x, f], { outputGradients: dy });
    };
  }
  if (which === "style") {
    const content = dt.randomUniform([300, 400, 3], { seed: 1 });
    const style = dt.randomUniform([300, 400, 3], { seed: 2 });
    const st = new dt.StyleTransfer(content, style, { backbone: await dt.vgg19Backbone({ weights: null }), seed: 3 });
    return () => st.step();
  }
  throw new Error(`unknown workload ${which}: happy, resnet-train, mobilenet, resnet, depthwise, resnet-conv, happy-conv or style`);
}
