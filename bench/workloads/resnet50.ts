// ResNet50 (Keras applications, random weights): inference at 224×224, and the course's training step
// (6 classes, batch 8 at 64×64).
import { tfjsResNet50 } from "../engines/tfjs-models.js";
import { modelCase, modelWorkload } from "../harness/model-workload.js";

export default modelWorkload(
  "resnet50",
  "ResNet50 inference and training step",
  [
    modelCase("ResNet50", { mode: "inference", batch: 1, size: 224, classes: 1000 }),
    modelCase("ResNet50", { mode: "train", batch: 8, size: 64, classes: 6 }),
  ],
  tfjsResNet50,
  (dt, size, classes) => dt.resnet50({ inputShape: [size, size, 3], classes }),
);
