// A plain-text table laid out as the `rich` library lays out Keras' summary table (heavy head, row lines),
// so that our summaries match Keras' character for character.

export type Justify = "left" | "right" | "center";

export interface TableColumn {
  header: string;
  justify: Justify;
  /** Requested content width (rich's Column.width). */
  width: number;
}

/** Python's round(): halves go to the even neighbour. */
function pyRound(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** rich's ratio_reduce: takes `total` away from `values` in proportion to `ratios`, capped by `maximums`. */
function ratioReduce(total: number, ratios: number[], maximums: number[], values: number[]): number[] {
  const r = ratios.map((ratio, i) => (maximums[i] ? ratio : 0));
  let totalRatio = r.reduce((a, b) => a + b, 0);
  if (!totalRatio) return [...values];
  let remaining = total;
  return values.map((v, i) => {
    if (r[i] && totalRatio > 0) {
      const d = Math.min(maximums[i], pyRound((r[i] * remaining) / totalRatio));
      remaining -= d;
      totalRatio -= r[i];
      return v - d;
    }
    return v;
  });
}

/** rich's ratio_distribute: splits `total` in proportion to `ratios` (rounding up as it goes). */
function ratioDistribute(total: number, ratios: number[]): number[] {
  let totalRatio = ratios.reduce((a, b) => a + b, 0);
  let remaining = total;
  return ratios.map((ratio) => {
    const d = totalRatio > 0 ? Math.ceil((ratio * remaining) / totalRatio) : remaining;
    totalRatio -= ratio;
    remaining -= d;
    return d;
  });
}

/** Cell widths (padding included) for a table of total width `lineLength` (borders included). */
export function columnWidths(columns: readonly TableColumn[], lineLength: number): number[] {
  const maxWidth = lineLength - (columns.length + 1);
  let widths = columns.map((c) => Math.min(c.width + 2, maxWidth));
  let total = widths.reduce((a, b) => a + b, 0);
  if (total > maxWidth) {
    widths = ratioReduce(total - maxWidth, widths.map(() => 1), widths, widths);
    total = widths.reduce((a, b) => a + b, 0);
  }
  if (total < maxWidth) {
    const pads = ratioDistribute(maxWidth - total, widths);
    widths = widths.map((w, i) => w + pads[i]);
  }
  return widths;
}

/**
 * Word wrap as rich's divide_line with overflow "ellipsis" (the default of a table column): words keep
 * their trailing spaces; a word longer than the line gets a line of its own, cut to width with "…".
 */
export function wrapText(text: string, width: number): string[] {
  const out: string[] = [];
  for (const para of text.split("\n")) {
    const breaks: number[] = [];
    let offset = 0;
    const re = /\s*\S+\s*/y;
    let m: RegExpExecArray | null;
    while ((m = re.exec(para)) !== null) {
      const start = m.index;
      const word = m[0];
      const wordLength = word.trimEnd().length;
      if (width - offset >= wordLength) offset += word.length;
      else if (wordLength > width) {
        if (start) breaks.push(start);
        offset = word.length;
      } else if (offset && start) {
        breaks.push(start);
        offset = word.length;
      }
    }
    let prev = 0;
    for (const b of [...breaks, para.length]) {
      const line = para.slice(prev, b).trimEnd();
      out.push(line.length > width ? line.slice(0, Math.max(0, width - 1)) + "…" : line);
      prev = b;
    }
  }
  return out;
}

function justify(s: string, width: number, how: Justify): string {
  const t = s.length > width ? s.slice(0, width) : s;
  const room = width - t.length;
  if (how === "right") return " ".repeat(room) + t;
  if (how === "center") {
    const left = Math.floor(room / 2);
    return " ".repeat(left) + t + " ".repeat(room - left);
  }
  return t + " ".repeat(room);
}

/** Renders the table: heavy header box, a line between rows, cells padded by one space. */
export function renderTable(columns: readonly TableColumn[], rows: readonly string[][], lineLength: number): string[] {
  const widths = columnWidths(columns, lineLength);
  const rule = (l: string, fill: string, mid: string, r: string): string => l + widths.map((w) => fill.repeat(w)).join(mid) + r;
  const renderRow = (cells: readonly string[], bar: string): string[] => {
    const wrapped = cells.map((c, i) => wrapText(c, widths[i] - 2));
    const height = Math.max(...wrapped.map((w) => w.length));
    const lines: string[] = [];
    for (let k = 0; k < height; k++)
      lines.push(bar + wrapped.map((w, i) => ` ${justify(w[k] ?? "", widths[i] - 2, columns[i].justify)} `).join(bar) + bar);
    return lines;
  };
  const out = [rule("┏", "━", "┳", "┓"), ...renderRow(columns.map((c) => c.header), "┃"), rule("┡", "━", "╇", "┩")];
  rows.forEach((row, i) => {
    if (i > 0) out.push(rule("├", "─", "┼", "┤"));
    out.push(...renderRow(row, "│"));
  });
  out.push(rule("└", "─", "┴", "┘"));
  return out;
}
