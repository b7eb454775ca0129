// CSVLogger: one CSV row of logs per epoch (keras.callbacks.CSVLogger).
import { closeSync, existsSync, openSync, readFileSync, writeSync } from "node:fs";
import type { Logs } from "../logs.js";
import { pyRepr } from "../pyformat.js";
import { Callback } from "./callback.js";

/**
 * Writes "epoch,<sorted log names>" then one row per epoch to `filename` (appending with `append`).
 * Without validation logs, it adds "val_" columns (filled with NA), as Keras.
 */
export class CSVLogger extends Callback {
  readonly filename: string;
  readonly separator: string;
  readonly append: boolean;
  private fd: number | null = null;
  private keys: string[] | null = null;
  private appendHeader = true;

  constructor(filename: string, opts: { separator?: string; append?: boolean } = {}) {
    super();
    this.filename = filename;
    this.separator = opts.separator ?? ",";
    this.append = opts.append ?? false;
  }

  override onTrainBegin(): void {
    if (this.append) this.appendHeader = !(existsSync(this.filename) && readFileSync(this.filename, "utf8").split("\n")[0].length > 0);
    else this.appendHeader = true;
    if (this.fd !== null) closeSync(this.fd);
    this.fd = openSync(this.filename, this.append ? "a" : "w");
    this.keys = null;
  }

  override onEpochEnd(epoch: number, logs: Logs = {}): void {
    if (this.keys === null) {
      const keys = Object.keys(logs).sort();
      if (keys.length > 0 && !keys.some((k) => k.startsWith("val_"))) keys.push(...keys.map((k) => `val_${k}`));
      this.keys = keys;
      if (this.appendHeader) this.writeRow(["epoch", ...keys]);
    }
    this.writeRow([String(epoch), ...this.keys.map((k) => (k in logs ? pyRepr(logs[k]) : "NA"))]);
  }

  override onTrainEnd(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private writeRow(cells: string[]): void {
    const quote = (c: string): string => (/[",\r\n]/.test(c) || c.includes(this.separator) ? `"${c.replace(/"/g, '""')}"` : c);
    // Python's csv module ends rows with \r\n.
    writeSync(this.fd!, `${cells.map(quote).join(this.separator)}\r\n`);
  }
}

