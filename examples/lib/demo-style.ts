// Demo stage 3: a small neural style transfer (course 4, week 4): one of the party photos repainted in the
// style of Van Gogh's Starry Night (data/starry-night.jpg), with its cost curve and a few frames.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  Progbar, type Report, type StyleBackbone, StyleTransfer, defaultStyleBackbone, faceApiModelDir, fromUnitRgb,
  lineChart, readImage, toUnitRgb, writeImage,
} from "../../src/index.js";
import { type StageContext } from "./demo-common.js";

export interface StyleStage {
  backbone: string;
  size: [number, number];
  steps: number;
  costs: { total: number; content: number; style: number }[];
  secondsPerStep: number;
  files: string[];
}

interface Setup {
  backbone: StyleBackbone;
  alpha: number;
  beta: number;
  tvWeight: number;
  learningRate: number;
  noise: number;
}

/** The library's default offline backbone: the pretrained MobileNetV2 committed under data/models/nsfwjs. */
async function chooseBackbone(size: readonly [number, number]): Promise<Setup> {
  // The course's alpha and beta; a touch of total variation and less starting noise keep the grain down at this size.
  return { backbone: await defaultStyleBackbone(size), alpha: 10, beta: 40, tvWeight: 3e-6, learningRate: 0.02, noise: 0.05 };
}

/** Runs the style transfer and adds its section to the report. */
export async function styleStage(ctx: StageContext, report: Report): Promise<StyleStage> {
  const { log } = ctx;
  const size: [number, number] = ctx.fast ? [48, 64] : [144, 208];
  const steps = ctx.fast ? 4 : 80;
  const setup = await chooseBackbone(size);
  log(`  backbone: ${setup.backbone.name}`);
  const contentPath = join(dirname(faceApiModelDir()), "demo", "sample3.jpg");
  const stylePath = fileURLToPath(new URL("../../data/starry-night.jpg", import.meta.url));
  const content = toUnitRgb(await readImage(contentPath), size);
  const style = toUnitRgb(await readImage(stylePath), size);
  const st = new StyleTransfer(content, style, {
    backbone: setup.backbone, alpha: setup.alpha, beta: setup.beta, tvWeight: setup.tvWeight, learningRate: setup.learningRate,
    noise: setup.noise, seed: 0,
  });
  log(`  ${size[1]}x${size[0]} pixels, ${steps} Adam steps, alpha ${setup.alpha}, beta ${setup.beta}, total variation ${setup.tvWeight}, learning rate ${setup.learningRate}`);

  const files = ["style-content.png", "style-style.png"];
  await writeImage(join(ctx.outDir, files[0]), fromUnitRgb(content));
  await writeImage(join(ctx.outDir, files[1]), fromUnitRgb(style));
  const frameAt = new Set([1, Math.round(steps / 4), Math.round(steps / 2), steps].filter((k) => k >= 1));
  const frames: [string, number][] = [];
  const bar = new Progbar(steps, { stream: ctx.progress, verbose: ctx.tty ? 1 : 2 });
  const t0 = performance.now();
  for (let i = 1; i <= steps; i++) {
    const c = st.step();
    bar.update(i, [["J", c.total], ["J_content", c.content], ["J_style", c.style]]);
    if (frameAt.has(i) && i !== steps) {
      const f = `style-step-${String(i).padStart(3, "0")}.png`;
      await writeImage(join(ctx.outDir, f), fromUnitRgb(st.image));
      frames.push([f, i]);
    }
  }
  const secondsPerStep = (performance.now() - t0) / 1000 / steps;
  const result = "style-result.png";
  await writeImage(join(ctx.outDir, result), fromUnitRgb(st.image));
  files.push(...frames.map(([f]) => f), result);
  const h = st.history;
  log(`  cost J ${h[0].total.toExponential(3)} -> ${h.at(-1)!.total.toExponential(3)}, ${secondsPerStep.toFixed(2)} s a step`);

  const s = report.section("3. Neural style transfer (course 4, week 4)");
  s.paragraph(
    "As the course defines it: the generated image starts as the content photo plus noise and is optimised with Adam through a " +
      "GradientTape to lower J = alpha J_content + beta J_style (+ a little total variation for smoothness), where J_content compares " +
      "one layer's activations with the photo's and J_style compares Gram matrices of several layers with the painting's.",
  );
  s.paragraph(`Network: ${setup.backbone.name}.`);
  s.images([
    [files[0], { caption: "content: sample3.jpg", width: 320 }],
    [files[1], { caption: "style: The Starry Night (Van Gogh)", width: 320 }],
    [result, { caption: `result after ${steps} steps`, width: 320 }],
  ]);
  s.chart(
    lineChart(
      [
        { name: "J", values: h.map((c) => c.total) },
        { name: "alpha J_content", values: h.map((c) => setup.alpha * c.content), dashed: true },
        { name: "beta J_style", values: h.map((c) => setup.beta * c.style), dashed: true },
        ...(setup.tvWeight > 0 ? [{ name: "tv weight x TV", values: h.map((c) => setup.tvWeight * c.tv), dashed: true }] : []),
      ],
      { title: "Cost per step", xLabel: "Adam step", yLabel: "cost (log scale)", logY: true, width: 620 },
    ),
  );
  if (frames.length > 0) s.images(frames.map(([f, i]) => [f, { caption: `after step ${i}`, width: 208 }] as const));
  s.table(["size", "steps", "alpha", "beta", "total variation", "learning rate", "seconds a step"], [
    [`${size[1]}x${size[0]}`, steps, setup.alpha, setup.beta, setup.tvWeight, setup.learningRate, secondsPerStep.toFixed(3)],
  ]);
  return {
    backbone: setup.backbone.name, size, steps,
    costs: h.map((c) => ({ total: c.total, content: c.content, style: c.style })), secondsPerStep, files,
  };
}
