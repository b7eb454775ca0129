// Preloaded into every test process by scripts/test.mjs: a fixed seed for the global generator, so the draws
// of unseeded random ops and initializers are the same on every run and a failure reproduces. Set
// DEEPTS_TEST_SEED to try another seed.
import { setSeed } from "../../src/tensor/random.js";

const raw = process.env.DEEPTS_TEST_SEED;
const seed = raw === undefined || raw === "" ? 20261129 : Number(raw);
if (!Number.isInteger(seed)) throw new Error(`DEEPTS_TEST_SEED must be an integer, got ${JSON.stringify(raw)}`);
setSeed(seed);
