// Demo stage 1: the Happy House model of example 03 trained with fit() and its progress bar, its curves, and
// the held-out crops with the model's verdicts drawn on them.
import { join } from "node:path";
import {
  Canvas, ProgbarLogger, type Report, Tensor, lineChart, setSeed, writeImage,
} from "../../src/index.js";
import { accuracyOf, happyModel, loadHappyData } from "../03-happy-model.js";
import type { StageContext } from "./demo-common.js";

export interface HappyStage {
  epochs: number;
  history: Record<string, number[]>;
  /** evaluate() on the 50 held-out crops: [loss, accuracy]. */
  test: [number, number];
  /** Files written, relative to the output folder. */
  files: string[];
}

/** The 50 held-out crops, 3x enlarged, in a 10-wide grid; a green frame where the model is right, red where wrong. */
function verdictGrid(x: Tensor, y: Tensor, p: Tensor): Tensor {
  const n = x.shape[0];
  const side = x.shape[1];
  const zoom = 3;
  const cell = side * zoom + 8;
  const cols = 10;
  const rows = Math.ceil(n / cols);
  const h = rows * cell;
  const w = cols * cell;
  const px = new Float32Array(h * w * 3).fill(255);
  for (let k = 0; k < n; k++) {
    const oy = Math.floor(k / cols) * cell + 4;
    const ox = (k % cols) * cell + 4;
    for (let i = 0; i < side * zoom; i++)
      for (let j = 0; j < side * zoom; j++) {
        const v = x.values[k * side * side + Math.floor(i / zoom) * side + Math.floor(j / zoom)];
        const o = ((oy + i) * w + ox + j) * 3;
        px[o] = px[o + 1] = px[o + 2] = v * 255;
      }
  }
  const c = new Canvas(new Tensor(px, [h, w, 3]));
  for (let k = 0; k < n; k++) {
    const right = p.values[k] > 0.5 === (y.values[k] === 1);
    const oy = Math.floor(k / cols) * cell;
    const ox = (k % cols) * cell;
    c.strokeRect({ x: ox + 1, y: oy + 1, width: cell - 2, height: cell - 2 }, right ? [40, 170, 70] : [220, 40, 40], 3);
    c.text(p.values[k].toFixed(2), ox + 6, oy + cell - 24, { color: [255, 255, 255], background: [0, 0, 0] });
  }
  return c.toTensor();
}

/** Trains the HappyModel and adds its section to the report. */
export async function happyStage(ctx: StageContext, report: Report): Promise<HappyStage> {
  const { log } = ctx;
  const epochs = ctx.fast ? 3 : 20;
  const batchSize = 8;
  const data = loadHappyData(0);
  log(`  data: ${data.xTrain.shape[0]} greyscale 25x25 crops to train on, ${data.xTest.shape[0]} held out (face or not a face; scikit-image's LFW subset)`);
  setSeed(1);
  const model = happyModel();
  model.compile({ optimizer: "adam", loss: "binary_crossentropy", metrics: ["accuracy"] });
  let summary = "";
  model.summary((s) => (summary = s));
  log(`  model: ${model.name}, ${model.countParams().toLocaleString("en-US")} parameters; fit for ${epochs} epochs, batches of ${batchSize}`);
  const history = await model.fit(data.xTrain, data.yTrain, {
    epochs, batchSize, validationData: [data.xTest, data.yTest],
    callbacks: [new ProgbarLogger({ stream: ctx.progress })], verbose: ctx.tty ? 1 : 2,
  });
  const test = (await model.evaluate(data.xTest, data.yTest, { verbose: 0 })) as [number, number];
  const p = model.predict(data.xTest) as Tensor;
  const wrong = Math.round((1 - accuracyOf(p, data.yTest)) * data.yTest.size);
  log(`  held out: loss ${test[0].toFixed(4)}, accuracy ${test[1].toFixed(4)} (${wrong} of ${data.yTest.size} wrong)`);

  const grid = "happy-held-out.png";
  await writeImage(join(ctx.outDir, grid), verdictGrid(data.xTest, data.yTest, p));
  const h = history.history;
  const s = report.section("1. Training: the Happy House model (course 4, week 1)");
  s.paragraph(
    "The course's HappyModel (ZeroPadding2D, Conv2D 7x7, BatchNormalization, ReLU, MaxPool2D, Flatten, Dense sigmoid) built with " +
      "Sequential, compiled with Adam and binary cross-entropy, and trained with fit() while its Keras-style progress bar ran in " +
      `the terminal. Data: ${data.xTrain.shape[0]} training and ${data.xTest.shape[0]} held-out 25x25 greyscale crops from ` +
      "scikit-image's LFW subset, half faces and half not (the course's smiling-faces photos are not ours to ship).",
  );
  s.chart(lineChart([{ name: "loss", values: h.loss }, { name: "val_loss", values: h.val_loss ?? [], dashed: true }], { title: "Loss", xLabel: "epoch", yLabel: "binary cross-entropy" }));
  s.chart(
    lineChart([{ name: "accuracy", values: h.accuracy }, { name: "val_accuracy", values: h.val_accuracy ?? [], dashed: true }], {
      title: "Accuracy", xLabel: "epoch", yLabel: "accuracy", yMax: 1,
    }),
  );
  s.table(["", "loss", "accuracy"], [
    ["last training epoch", h.loss.at(-1)!, h.accuracy.at(-1)!],
    ["held-out crops (evaluate)", test[0], test[1]],
  ]);
  s.image(grid, { caption: `The ${data.yTest.size} held-out crops with the model's probability of "face": green frame right, red frame wrong (${wrong} wrong).` });
  s.code(summary);
  return { epochs, history: h, test, files: [grid] };
}
