// The bitmap font of image labels: printable ASCII decoded once from font-data.ts into coverage masks.
import {
  FONT_BASELINE, FONT_BITMAP_BASE64, FONT_CELL_HEIGHT, FONT_CELL_WIDTH, FONT_FIRST_CODE, FONT_LAST_CODE, FONT_LEVELS,
} from "./font-data.js";

/** Width, height and baseline (from the top) of one character cell, in pixels at scale 1. */
export const GLYPH_CELL = { width: FONT_CELL_WIDTH, height: FONT_CELL_HEIGHT, baseline: FONT_BASELINE } as const;

let masks: Float32Array[] | undefined;

function decode(): Float32Array[] {
  const bytes = Buffer.from(FONT_BITMAP_BASE64, "base64");
  const n = FONT_CELL_WIDTH * FONT_CELL_HEIGHT;
  const out: Float32Array[] = [];
  for (let g = 0; g <= FONT_LAST_CODE - FONT_FIRST_CODE; g++) {
    const m = new Float32Array(n);
    for (let p = 0; p < n; p++) {
      const i = g * n + p;
      m[p] = ((bytes[i >> 2] >> ((i & 3) * 2)) & 3) / (FONT_LEVELS - 1);
    }
    out.push(m);
  }
  return out;
}

/** Coverage (0..1) of a character's cell, row-major; characters outside printable ASCII draw as "?". */
export function glyphMask(ch: string): Float32Array {
  masks ??= decode();
  const code = ch.charCodeAt(0);
  return masks[code >= FONT_FIRST_CODE && code <= FONT_LAST_CODE ? code - FONT_FIRST_CODE : "?".charCodeAt(0) - FONT_FIRST_CODE];
}
