// `deepts summary MODEL`: the Keras-style summary of any model file deepts loads.
import { existsSync } from "node:fs";
import { CliError, defineCommand } from "../lib/command.js";

export default defineCommand({
  name: "summary",
  summary: "Print the Keras-style summary of a model file (.keras, .h5, TF.js model.json)",
  description:
    "Loads MODEL (a Keras 3 .keras archive, a legacy Keras .h5 file from Keras 2 or 3, or a TF.js layers model.json " +
    "with its shards) and prints its layers, output shapes and parameter counts in Keras' layout.",
  args: [{ name: "MODEL", description: "the model file" }],
  options: {
    expand: { type: "boolean", description: "expand nested models" },
    "show-trainable": { type: "boolean", description: "add a column saying whether each layer is trainable" },
  },
  examples: ["deepts summary model.keras", "deepts summary web_model/model.json --expand"],
  async run({ args, options: o, stdout }) {
    const path = args.MODEL as string;
    if (!existsSync(path)) throw new CliError(`MODEL ${JSON.stringify(path)}: no such file`);
    const dt = await import("../../src/index.js");
    let model;
    try {
      model = await dt.loadModel(path);
    } catch (e) {
      throw new CliError(`cannot load ${JSON.stringify(path)}: ${(e as Error).message}`);
    }
    model.summary((line) => stdout.write(`${line}\n`), { expandNested: o.expand, showTrainable: o["show-trainable"] });
    return 0;
  },
});
