// ModelCheckpoint: saves the model (or its weights) during training (keras.callbacks.ModelCheckpoint).
import { saveCheckpoint } from "../checkpoint-format.js";
import type { Logs } from "../logs.js";
import { formatTemplate } from "../pyformat.js";
import type { Model } from "../../models/model.js";
import { MonitorCallback, type MonitorMode } from "./monitor.js";

/** Saves `model` to `path` (weights only or the whole model). */
export type CheckpointSaver = (model: Model, path: string, weightsOnly: boolean) => void | Promise<void>;

const savers = new Map<string, CheckpointSaver>();

/**
 * Registers the saver for files whose name ends with `suffix` (".keras", ".weights.h5", ...): the I/O
 * module adds the Keras formats here. Other names get deepts' checkpoint format (src/training/checkpoint-format.ts).
 */
export function registerCheckpointSaver(suffix: string, saver: CheckpointSaver): void {
  savers.set(suffix, saver);
}

export interface ModelCheckpointOptions {
  /** The log to compare with saveBestOnly (default "val_loss"). */
  monitor?: string;
  verbose?: 0 | 1;
  /** Save only when `monitor` improves. */
  saveBestOnly?: boolean;
  /** Save the weights alone (else the architecture too). */
  saveWeightsOnly?: boolean;
  mode?: MonitorMode;
  /** "epoch" (default) or every N batches. */
  saveFreq?: "epoch" | number;
  /** The value the first save must beat (saveBestOnly). */
  initialValueThreshold?: number | null;
  print?: (text: string) => void;
}

/**
 * Saves the model at the end of every epoch (or every `saveFreq` batches) to `filepath`, a Python
 * format string filled with `epoch` (1-based), `batch` and the logs: "ckpt/model-{epoch:02d}-{val_loss:.2f}.ckpt".
 * Until the Keras formats land (issue 5), files are in deepts' checkpoint format (see checkpoint-format.ts;
 * `loadCheckpoint` reads them) unless a saver is registered for the file's suffix; a ".keras" / ".h5" name
 * without one is an error. Files are replaced atomically.
 *
 * @example
 * new ModelCheckpoint("best.ckpt", { monitor: "val_accuracy", saveBestOnly: true });
 */
export class ModelCheckpoint extends MonitorCallback {
  readonly filepath: string;
  readonly verbose: number;
  readonly saveBestOnly: boolean;
  readonly saveWeightsOnly: boolean;
  readonly saveFreq: "epoch" | number;
  private batchesSinceSave = 0;
  private lastBatchSeen: number | null = null;
  private currentEpoch = 0;
  private readonly print: (text: string) => void;

  constructor(filepath: string, o: ModelCheckpointOptions = {}) {
    super(o.monitor ?? "val_loss", o.mode ?? "auto", o.initialValueThreshold ?? null);
    this.filepath = filepath;
    this.verbose = o.verbose ?? 0;
    this.saveBestOnly = o.saveBestOnly ?? false;
    this.saveWeightsOnly = o.saveWeightsOnly ?? false;
    this.saveFreq = o.saveFreq ?? "epoch";
    this.print = o.print ?? ((t) => console.log(t));
    if (this.saveFreq !== "epoch" && !(Number.isInteger(this.saveFreq) && this.saveFreq > 0))
      throw new Error(`ModelCheckpoint: saveFreq must be "epoch" or a positive integer, got ${String(this.saveFreq)}`);
    if (!this.saver() && /\.(keras|h5)$/i.test(filepath))
      throw new Error(
        `ModelCheckpoint: cannot write "${filepath}" yet: the .keras / .h5 formats are not available in this build; use another name (e.g. "${filepath.replace(/\.(weights\.)?(keras|h5)$/i, ".ckpt")}") for deepts' checkpoint format`,
      );
  }

  private saver(): CheckpointSaver | null {
    for (const [suffix, s] of savers) if (this.filepath.endsWith(suffix)) return s;
    return null;
  }

  override onEpochBegin(epoch: number): void {
    this.currentEpoch = epoch;
  }

  override async onTrainBatchEnd(batch: number, logs: Logs = {}): Promise<void> {
    if (this.shouldSaveOnBatch(batch)) await this.save(this.currentEpoch, batch, logs);
  }

  override async onEpochEnd(epoch: number, logs: Logs = {}): Promise<void> {
    if (!this.monitorOp) this.setMonitorOp();
    if (this.saveFreq === "epoch") await this.save(epoch, null, logs);
  }

  private shouldSaveOnBatch(batch: number): boolean {
    if (this.saveFreq === "epoch") return false;
    const add = this.lastBatchSeen === null || batch <= this.lastBatchSeen ? batch + 1 : batch - this.lastBatchSeen;
    this.batchesSinceSave += add;
    this.lastBatchSeen = batch;
    if (this.batchesSinceSave >= this.saveFreq) {
      this.batchesSinceSave = 0;
      return true;
    }
    return false;
  }

  /** The file name for this epoch / batch. */
  filePath(epoch: number, batch: number | null, logs: Logs): string {
    const values: Record<string, number> = { ...logs, epoch: epoch + 1 };
    if (batch !== null && !("batch" in logs)) values.batch = batch + 1;
    try {
      return formatTemplate(this.filepath, values);
    } catch (e) {
      throw new Error(`ModelCheckpoint: failed to format the file path "${this.filepath}": ${(e as Error).message}`);
    }
  }

  private shouldSave(epoch: number, logs: Logs, path: string): boolean {
    if (!this.saveBestOnly) {
      if (this.verbose > 0) this.print(`\nEpoch ${epoch + 1}: saving model to ${path}`);
      return true;
    }
    const current = logs[this.monitor];
    if (current === undefined) {
      console.warn(`ModelCheckpoint: can save the best model only with ${this.monitor} available; saving anyway`);
      return true;
    }
    const bestStr = this.best === null ? "None" : this.best.toFixed(5);
    if (this.isImprovement(current, this.best)) {
      if (this.verbose > 0) this.print(`\nEpoch ${epoch + 1}: ${this.monitor} improved from ${bestStr} to ${current.toFixed(5)}, saving model to ${path}`);
      this.best = current;
      return true;
    }
    if (this.verbose > 0) this.print(`\nEpoch ${epoch + 1}: ${this.monitor} did not improve from ${bestStr}`);
    return false;
  }

  private async save(epoch: number, batch: number | null, logs: Logs): Promise<void> {
    if (!this.monitorOp) this.setMonitorOp();
    const path = this.filePath(epoch, batch, logs);
    if (!this.shouldSave(epoch, logs, path)) return;
    const saver = this.saver();
    if (saver) await saver(this.model, path, this.saveWeightsOnly);
    else saveCheckpoint(this.model, path, { weightsOnly: this.saveWeightsOnly, meta: { epoch: epoch + 1, ...(batch !== null ? { batch: batch + 1 } : {}), logs } });
    if (this.verbose > 0) this.print(`\nEpoch ${epoch + 1}: finished saving model to ${path}`);
  }
}
