// Internal: Keras' dataset_utils.index_directory and get_training_or_validation_split, step for step, so that
// a folder, a seed and a validation split give the same files on each side as in Keras.
import { readdirSync, statSync, type Dirent } from "node:fs";
import { basename, join, relative } from "node:path";
import { NumpyRandomState } from "./numpy-random.js";

/** Python's string order (by code point), which Keras' sorted() uses. */
export function comparePy(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0)! - y[i].codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** os.walk(directory) sorted by root, then each root's files sorted: [root, file name] of the allowed formats. */
function validFiles(directory: string, followLinks: boolean, formats: readonly string[]): [string, string][] {
  const roots: [string, string[]][] = [];
  const seen = new Set<string>();
  const walk = (dir: string): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // os.walk ignores folders it cannot list
    }
    const files: string[] = [];
    const dirs: string[] = [];
    for (const e of entries) {
      const path = join(dir, e.name);
      // A link to a folder is walked only with followLinks (os.walk); a link to a file is a file.
      const dirLike = e.isDirectory() || (e.isSymbolicLink() && isDir(path));
      if (dirLike) {
        if (e.isDirectory() || followLinks) dirs.push(path);
      } else files.push(e.name);
    }
    roots.push([dir, files]);
    for (const d of dirs) {
      if (followLinks) {
        // Guard against link cycles (os.walk would loop too, but an error is kinder than a hang).
        let real: string;
        try {
          real = statSync(d).ino + ":" + statSync(d).dev;
        } catch {
          continue;
        }
        if (seen.has(real)) continue;
        seen.add(real);
      }
      walk(d);
    }
  };
  walk(directory);
  roots.sort((a, b) => comparePy(a[0], b[0]));
  const out: [string, string][] = [];
  for (const [root, files] of roots)
    for (const f of files.sort(comparePy)) if (formats.some((ext) => f.toLowerCase().endsWith(ext))) out.push([root, f]);
  return out;
}

/** What index_directory returns: paths (directory joined with the relative path), labels, class names. */
export interface DirectoryIndex {
  filePaths: string[];
  labels: Int32Array | null;
  classNames: string[] | null;
}

/**
 * Keras' index_directory: class folders (sorted, or `classNames` in that order), every allowed file below each
 * (recursively), labels from the folder or the given list; then, with `shuffle`, paths and labels shuffled
 * together by numpy.random.RandomState(seed).
 */
export function indexDirectory(
  op: string,
  directory: string,
  labels: "inferred" | null | readonly number[],
  formats: readonly string[],
  opts: { classNames?: readonly string[] | null; shuffle: boolean; seed: number; followLinks: boolean },
): DirectoryIndex {
  if (!isDir(directory)) throw new Error(`${op}: ${JSON.stringify(directory)} is not a folder (give a folder with one subfolder per class)`);
  let subdirs: string[];
  if (labels === "inferred") {
    subdirs = readdirSync(directory)
      .sort(comparePy)
      .filter((d) => !d.startsWith(".") && isDir(join(directory, d)));
    if (opts.classNames) {
      const missing = opts.classNames.filter((c) => !subdirs.includes(c));
      if (missing.length > 0)
        throw new Error(
          `${op}: classNames must name subfolders of ${JSON.stringify(directory)}; expected some of [${subdirs.join(", ")}], ` +
            `got [${opts.classNames.join(", ")}] (no folder for ${missing.join(", ")})`,
        );
      subdirs = [...opts.classNames];
    }
  } else {
    if (opts.classNames)
      throw new Error(
        labels === null
          ? `${op}: with labels null (no labels), classNames cannot be given`
          : `${op}: with explicit labels, classNames cannot be given (the class names are the sorted labels)`,
      );
    subdirs = [""];
  }
  const filenames: string[] = [];
  const found: number[] = [];
  subdirs.forEach((sub, index) => {
    const dir = sub === "" ? directory : join(directory, sub);
    const name = sub === "" ? "" : basename(dir);
    for (const [root, f] of validFiles(dir, opts.followLinks, formats)) {
      filenames.push(name === "" ? relative(dir, join(root, f)) : join(name, relative(dir, join(root, f))));
      found.push(index);
    }
  });
  let outLabels: number[] | null;
  let classNames: string[] | null = subdirs;
  if (labels === "inferred") outLabels = found;
  else if (labels === null) {
    outLabels = null;
    classNames = null;
  } else {
    if (labels.length !== filenames.length)
      throw new Error(
        `${op}: expected the number of labels to match the number of files in ${JSON.stringify(directory)}; ` +
          `got ${labels.length} labels for ${filenames.length} files`,
      );
    outLabels = [...labels];
    classNames = [...new Set(labels)].sort((a, b) => a - b).map(String);
  }
  const filePaths = filenames.map((f) => join(directory, f));
  if (opts.shuffle) {
    new NumpyRandomState(opts.seed).shuffle(filePaths);
    if (outLabels) new NumpyRandomState(opts.seed).shuffle(outLabels);
  }
  return { filePaths, labels: outLabels ? Int32Array.from(outLabels) : null, classNames };
}

/** Keras' get_training_or_validation_split: the last int(split * n) samples validate, the rest train. */
export function trainingOrValidationSplit<T>(samples: T[], validationSplit: number | null, subset: "training" | "validation"): T[] {
  if (!validationSplit) return samples;
  const numVal = Math.trunc(validationSplit * samples.length);
  // Python's samples[:-0] is empty and samples[-0:] is everything: kept as Keras has it.
  if (subset === "training") return numVal === 0 ? [] : samples.slice(0, samples.length - numVal);
  return numVal === 0 ? [...samples] : samples.slice(samples.length - numVal);
}
