/** Keras' data_format, camelCase: where the channels axis is. */
export type DataFormat = "channelsLast" | "channelsFirst";

/** Accepts "channelsLast" / "channels_last" (and the channels-first spellings); default channelsLast. */
export function normalizeDataFormat(label: string, f: string | undefined | null): DataFormat {
  if (f === undefined || f === null) return "channelsLast";
  const k = f.replace(/_/g, "").toLowerCase();
  if (k === "channelslast") return "channelsLast";
  if (k === "channelsfirst") return "channelsFirst";
  throw new Error(`${label}: dataFormat must be "channelsLast" or "channelsFirst", got ${JSON.stringify(f)}`);
}
