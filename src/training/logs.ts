// Logs: the name -> value dictionaries that fit/evaluate hand to callbacks and return.

/** Metric values by name ("loss", "accuracy", "val_loss", ...), as Keras passes to callbacks. */
export type Logs = Record<string, number>;

/** `logs` with its keys in sorted order (Keras' logs come out of a tree map, which sorts dict keys). */
export function sortedLogs(logs: Logs): Logs {
  const out: Logs = {};
  for (const k of Object.keys(logs).sort()) out[k] = logs[k];
  return out;
}

/** `logs` with every key prefixed by "val_". */
export function prefixLogs(logs: Logs, prefix: string): Logs {
  const out: Logs = {};
  for (const [k, v] of Object.entries(logs)) out[`${prefix}${k}`] = v;
  return out;
}

/**
 * Keras' `_flatten_metrics_in_order`: the values of `logs` in the order of `metricNames` (those present),
 * then the remaining keys sorted; a lone value is returned unwrapped.
 */
export function flattenMetricsInOrder(logs: Logs, metricNames: readonly string[]): number | number[] {
  const out: number[] = [];
  for (const n of metricNames) if (n in logs) out.push(logs[n]);
  for (const k of Object.keys(logs).sort()) if (!metricNames.includes(k)) out.push(logs[k]);
  return out.length === 1 ? out[0] : out;
}
