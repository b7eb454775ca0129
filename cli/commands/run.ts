// `deepts run MODEL --input x.npy --output y.npy`: inference on NumPy arrays, as TensorFlow's saved_model_cli
// does, so that a model can be checked against Python in two commands.
import { existsSync } from "node:fs";
import { CliError, defineCommand, UsageError } from "../lib/command.js";

export default defineCommand({
  name: "run",
  summary: "Run a model file on NumPy .npy inputs and write .npy outputs",
  description:
    "Loads MODEL (.keras, .h5 or TF.js model.json), reads one .npy array per model input (in the model's input " +
    "order; float64 arrays are converted to the input's float32), runs inference (training off, in batches) and " +
    "writes one .npy per model output, atomically. Compare with Python: np.load('y.npy') against model.predict(x).",
  args: [{ name: "MODEL", description: "the model file" }],
  options: {
    input: { type: "string", multiple: true, required: true, placeholder: "X.npy", description: "an input array (repeat for each model input, in order)" },
    output: { type: "string", multiple: true, required: true, placeholder: "Y.npy", description: "where to write an output (repeat for each model output, in order)" },
    "batch-size": { type: "integer", default: 32, placeholder: "N", description: "rows per inference batch" },
  },
  examples: ["deepts run model.keras --input x.npy --output y.npy", "deepts run two_in.keras --input a.npy --input b.npy --output y.npy"],
  async run({ args, options: o, stdout }) {
    const path = args.MODEL as string;
    const inputs = o.input as string[];
    const outputs = o.output as string[];
    if (o["batch-size"] < 1) throw new UsageError(`--batch-size must be at least 1, got ${o["batch-size"]}`);
    if (!existsSync(path)) throw new CliError(`MODEL ${JSON.stringify(path)}: no such file`);
    for (const p of inputs) if (!existsSync(p)) throw new CliError(`--input ${JSON.stringify(p)}: no such file`);
    const dt = await import("../../src/index.js");
    let model;
    try {
      model = await dt.loadModel(path);
    } catch (e) {
      throw new CliError(`cannot load ${JSON.stringify(path)}: ${(e as Error).message}`);
    }
    if (inputs.length !== model.inputs.length)
      throw new CliError(`${path} has ${model.inputs.length} input(s) (${model.inputs.map((t) => t.name).join(", ")}); got ${inputs.length} --input`);
    if (outputs.length !== model.outputs.length)
      throw new CliError(`${path} has ${model.outputs.length} output(s) (${model.outputs.map((t) => t.name).join(", ")}); got ${outputs.length} --output`);
    const xs = inputs.map((p, i) => {
      let t;
      try {
        t = dt.loadNpy(p);
      } catch (e) {
        throw new CliError((e as Error).message);
      }
      const want = model.inputs[i].dtype;
      if (t.dtype !== want && dt.isFloat(want)) t = dt.cast(t, want);
      return t;
    });
    let ys;
    try {
      const y = model.predict(xs.length === 1 ? xs[0] : xs, { batchSize: o["batch-size"] });
      ys = Array.isArray(y) ? y : [y];
    } catch (e) {
      throw new CliError(`running ${path}: ${(e as Error).message}`);
    }
    ys.forEach((y, i) => {
      dt.saveNpy(outputs[i], y);
      stdout.write(`${outputs[i]}: ${y.dtype} [${y.shape.join(", ")}]\n`);
    });
    return 0;
  },
});
