// Replaying an inference plan's kernels without JavaScript between them. Once a model has predicted a few
// times on inputs of one shape, one more run is recorded by the backend (KernelRecorder): every kernel call
// with its arguments and storage. The recording is checked against a normal run on other inputs, then used
// by every later call with inputs of that shape: the inputs are copied in, the kernels run in one native
// call, the outputs are copied out. MobileNetV2 at batch 1 spent 1.3-1.5 ms of its 9-10 ms between kernels.
//
// What could make a replay differ from a run, and what guards it:
// - JavaScript computing part of the result (a kernel without a native version, a value read back): the
//   recording keeps the value it computed then. A native entry point that computes outside the recorder
//   spoils the recording; for JavaScript, the check run on other inputs must agree bit for bit.
// - Weights assigned since: every variable's tensor is compared whenever any variable was assigned.
// - Another backend: the recording belongs to the backend that made it.
// - Storage: the recording keeps every array its kernels touch, and owns them: its input copies, its outputs
//   (copied out at each call), the plan's recycled arrays (the plan's pool forgets them).
import type { KernelRecorder, Recording } from "../backends/backend.js";
import { kernelRecorder } from "../backends/index.js";
import { type Variable, variableAssignments } from "../autograd/variable.js";
import { Tensor } from "../tensor/tensor.js";

/**
 * Switches for A/B measurements and tests: `enabled` (DEEPTS_RECORD=0 turns it off); how many runs on inputs
 * of one shape go the normal way before one is recorded (a model called once or twice never pays for
 * recording and checking); and the longest normal run worth recording, in ms: what a replay saves is about a
 * millisecond per run, while the recording keeps the run's storage (all its activations) for as long as
 * the model lives, which a large batch makes hundreds of megabytes.
 */
export const planRecording = { enabled: !/^(0|false)$/.test(process.env.DEEPTS_RECORD ?? ""), after: 2, maxRunMs: 250 };

/** What recordings did in this process (tests and profiles read it). */
export const recordingStats = { recorded: 0, rejected: 0, replayed: 0 };

interface Kept {
  recorder: KernelRecorder;
  recording: Recording;
  shapes: string;
  outShapes: number[][];
  variables: Variable[];
  values: Tensor[];
  assignments: number;
}

/** The key of a call's input shapes. */
function shapesKey(xs: readonly Tensor[]): string {
  let k = "";
  for (const x of xs) k += x.shape.join(",") + ";";
  return k;
}

/**
 * The recordings of one inference plan (one per plan, for its latest input shapes). `run` normally runs
 * the plan on inputs and returns its outputs (a fresh run each call); `release` forgets the storage a run
 * recycles (the recording owns it from then on).
 */
export class PlanRecorder {
  private kept: Kept | null = null;
  private shapes = "";
  private runs = 0;
  /** How long the last normal run on inputs of `shapes` took. */
  private lastMs = Infinity;
  private readonly rejected = new Set<string>();

  constructor(
    private readonly run: (xs: Tensor[]) => Tensor[],
    private readonly release: () => void,
    private readonly variables: () => Variable[],
  ) {}

  /** The outputs for xs: replayed from the recording, recorded now when it is time, or from a normal run. */
  call(xs: Tensor[]): Tensor[] {
    const recorder = kernelRecorder();
    if (!planRecording.enabled || !recorder || !xs.every((x) => x.dtype === "float32")) return this.run(xs);
    const shapes = shapesKey(xs);
    const kept = this.kept;
    if (kept && kept.shapes === shapes && kept.recorder === recorder && this.weightsUnchanged(kept)) return this.replay(kept, xs);
    if (shapes !== this.shapes) {
      this.shapes = shapes;
      this.runs = 0;
      this.lastMs = Infinity;
    }
    if (++this.runs > planRecording.after && this.lastMs <= planRecording.maxRunMs && !this.rejected.has(shapes)) {
      const ys = this.record(recorder, xs, shapes);
      if (ys) return ys;
    }
    const t0 = performance.now();
    const ys = this.run(xs);
    this.lastMs = performance.now() - t0;
    return ys;
  }

  private weightsUnchanged(kept: Kept): boolean {
    if (kept.assignments === variableAssignments.count) return true;
    if (kept.variables.some((v, i) => v.value !== kept.values[i])) {
      this.kept = null;
      return false;
    }
    kept.assignments = variableAssignments.count;
    return true;
  }

  private replay(kept: Kept, xs: Tensor[]): Tensor[] {
    const outs = kept.outShapes.map((s) => new Float32Array(s.reduce((a, b) => a * b, 1)));
    kept.recorder.replay(kept.recording, xs.map((x) => x.values as Float32Array), outs);
    recordingStats.replayed++;
    return outs.map((v, i) => new Tensor(v, kept.outShapes[i], "float32"));
  }

  /** Records a run on copies of xs, checks the recording, and returns that run's outputs (copies). */
  private record(recorder: KernelRecorder, xs: Tensor[], shapes: string): Tensor[] | null {
    const inputs = xs.map((x) => (x.values as Float32Array).slice());
    if (!recorder.start()) return null;
    let ys: Tensor[];
    try {
      ys = this.run(inputs.map((v, i) => new Tensor(v, xs[i].shape, "float32")));
    } catch (e) {
      recorder.abort();
      throw e;
    }
    const floats = ys.every((y) => y.dtype === "float32");
    const recording = recorder.finish(inputs, floats ? ys.map((y) => y.values as Float32Array) : []);
    // The recording's storage is its own from here: later runs must not hand it out as their outputs.
    if (recording) this.release();
    // The run's outputs live in the recording's storage, which each replay overwrites.
    const results = ys.map((y) => new Tensor((y.values as Float32Array).slice(), y.shape, y.dtype));
    const variables = this.variables();
    const kept: Kept | null = recording && floats
      ? { recorder, recording, shapes, outShapes: ys.map((y) => [...y.shape]), variables, values: variables.map((v) => v.value), assignments: variableAssignments.count }
      : null;
    if (kept && this.agrees(kept, xs)) {
      this.kept = kept;
      recordingStats.recorded++;
    } else {
      this.rejected.add(shapes);
      recordingStats.rejected++;
    }
    return results;
  }

  /** Whether a replay gives a normal run's outputs, bit for bit, on inputs unlike the recorded ones. */
  private agrees(kept: Kept, xs: Tensor[]): boolean {
    const probe = xs.map((x, i) => {
      const v = new Float32Array(x.size);
      // Deterministic values in [-1, 1) that differ from the recorded input everywhere it matters.
      for (let j = 0; j < v.length; j++) v[j] = ((j * 7919 + i * 104729) % 2003) / 1001.5 - 1;
      return new Tensor(v, x.shape, "float32");
    });
    const want = this.run(probe).map((y) => new Uint32Array((y.values as Float32Array).slice().buffer));
    this.release();
    const got = this.replay(kept, probe);
    recordingStats.replayed--;
    return got.every((y, i) => {
      const bits = new Uint32Array(y.values.buffer, y.values.byteOffset, y.size);
      return bits.length === want[i].length && bits.every((b, j) => b === want[i][j]);
    });
  }
}
