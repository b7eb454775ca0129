// A small HTML report: a title, sections of paragraphs, tables, charts (inline SVG) and images (files beside
// the page), written as one self-contained page that any browser opens from disk. All text is escaped.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Svg } from "./chart.js";
import { escapeHtml } from "./escape.js";

export interface ImageOptions {
  /** Text for screen readers and broken images (default: the caption, else the file name). */
  alt?: string;
  caption?: string;
  /** Displayed width in CSS pixels (default: the column's width at most). */
  width?: number;
}

type Block =
  | { kind: "paragraph"; text: string }
  | { kind: "list"; items: string[] }
  | { kind: "table"; head: string[]; rows: string[][] }
  | { kind: "code"; text: string }
  | { kind: "svg"; svg: Svg; caption?: string }
  | { kind: "images"; images: { src: string; opts: ImageOptions }[] };

/** A relative path to a file beside the page, each segment URL-encoded; absolute paths and ".." are refused. */
function imageSrc(op: string, src: string): string {
  if (typeof src !== "string" || src === "" || /^[a-z][a-z0-9+.-]*:/i.test(src) || src.startsWith("/") || src.startsWith("\\"))
    throw new RangeError(`${op}: give the image as a path relative to the report's folder (e.g. "faces/sample1.jpg"), got ${JSON.stringify(src)}`);
  const parts = src.split(/[\\/]/);
  if (parts.some((p) => p === ".." || p === ""))
    throw new RangeError(`${op}: the image path ${JSON.stringify(src)} must stay inside the report's folder (no "..", no empty segments)`);
  return parts.map(encodeURIComponent).join("/");
}

function cell(v: unknown): string {
  return typeof v === "number" ? (Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)))) : String(v);
}

/** One section of a report: a heading and blocks in the order they were added. */
export class ReportSection {
  readonly blocks: Block[] = [];

  constructor(readonly title: string) {}

  /** A paragraph of plain text. */
  paragraph(text: string): this {
    this.blocks.push({ kind: "paragraph", text: String(text) });
    return this;
  }

  /** A bulleted list of plain-text items. */
  list(items: readonly string[]): this {
    this.blocks.push({ kind: "list", items: items.map(String) });
    return this;
  }

  /** A table; numbers are shown with at most 4 significant digits. */
  table(head: readonly string[], rows: readonly (readonly unknown[])[]): this {
    rows.forEach((r, i) => {
      if (r.length !== head.length) throw new RangeError(`ReportSection.table: row ${i} has ${r.length} cells, the header ${head.length}`);
    });
    this.blocks.push({ kind: "table", head: head.map(String), rows: rows.map((r) => r.map(cell)) });
    return this;
  }

  /** Preformatted text (a model summary, a log). */
  code(text: string): this {
    this.blocks.push({ kind: "code", text: String(text) });
    return this;
  }

  /** A chart made by lineChart. */
  chart(svg: Svg, caption?: string): this {
    if (!svg || svg.kind !== "svg" || typeof svg.markup !== "string") throw new TypeError("ReportSection.chart: give the result of lineChart(...)");
    this.blocks.push({ kind: "svg", svg, caption });
    return this;
  }

  /** An image file beside the page (a path relative to the report's folder). */
  image(src: string, opts: ImageOptions = {}): this {
    return this.images([[src, opts]]);
  }

  /** Several images side by side, wrapping on narrow screens. */
  images(list: readonly (readonly [string, ImageOptions?])[]): this {
    const images = list.map(([src, opts]) => ({ src: imageSrc("ReportSection.image", src), opts: opts ?? {} }));
    this.blocks.push({ kind: "images", images });
    return this;
  }

  /** The section as HTML. */
  render(id: string): string {
    const out = [`<section id="${escapeHtml(id)}">`, `<h2>${escapeHtml(this.title)}</h2>`];
    for (const b of this.blocks) {
      switch (b.kind) {
        case "paragraph":
          out.push(`<p>${escapeHtml(b.text)}</p>`);
          break;
        case "list":
          out.push(`<ul>${b.items.map((i) => `<li>${escapeHtml(i)}</li>`).join("")}</ul>`);
          break;
        case "table":
          out.push(
            `<table><thead><tr>${b.head.map((h) => `<th>${escapeHtml(h)}</th>`).join("")}</tr></thead><tbody>` +
              b.rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join("")}</tr>`).join("") +
              `</tbody></table>`,
          );
          break;
        case "code":
          out.push(`<pre>${escapeHtml(b.text)}</pre>`);
          break;
        case "svg":
          out.push(`<figure class="chart">${b.svg.markup}${b.caption ? `<figcaption>${escapeHtml(b.caption)}</figcaption>` : ""}</figure>`);
          break;
        case "images":
          out.push(
            `<div class="gallery">` +
              b.images
                .map(({ src, opts }) => {
                  const alt = opts.alt ?? opts.caption ?? decodeURIComponent(src.split("/").pop()!);
                  const w = opts.width !== undefined ? ` width="${Math.round(opts.width)}"` : "";
                  return `<figure><a href="${src}"><img src="${src}" alt="${escapeHtml(alt)}"${w} loading="lazy"></a>${opts.caption ? `<figcaption>${escapeHtml(opts.caption)}</figcaption>` : ""}</figure>`;
                })
                .join("") +
              `</div>`,
          );
          break;
      }
    }
    out.push("</section>");
    return out.join("\n");
  }
}

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{margin-bottom:.2em}.subtitle{color:#666;margin-top:0}h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:2em}
nav ul{columns:2;padding-left:1.2em}table{border-collapse:collapse;margin:.8em 0}th,td{border:1px solid #ddd;padding:.25em .6em;text-align:left}
th{background:#f4f4f4}td{font-variant-numeric:tabular-nums}pre{background:#f7f7f7;padding:.8em;overflow-x:auto;font-size:12px;line-height:1.25}
figure{margin:.6em .6em .6em 0}figcaption{color:#555;font-size:.9em;margin-top:.2em}.chart{display:inline-block;vertical-align:top}
.gallery{display:flex;flex-wrap:wrap;align-items:flex-start}.gallery figure{flex:0 1 auto;max-width:100%}.gallery img{max-width:100%;height:auto;max-height:420px;border:1px solid #ccc}
footer{margin-top:3em;color:#777;font-size:.85em}`;

/**
 * An HTML report: add sections, then render() or write() it.
 *
 * @example
 * const r = new Report("Training run");
 * r.section("Curves").chart(lineChart([{ name: "loss", values: h.loss }]));
 * r.write("out"); // out/index.html
 */
export class Report {
  readonly sections: ReportSection[] = [];
  private readonly intro: string[] = [];

  constructor(readonly title: string, readonly subtitle?: string) {}

  /** A paragraph before the first section. */
  paragraph(text: string): this {
    this.intro.push(String(text));
    return this;
  }

  /** Adds a section and returns it. */
  section(title: string): ReportSection {
    const s = new ReportSection(title);
    this.sections.push(s);
    return s;
  }

  /** The whole page. */
  render(footer?: string): string {
    const ids = this.sections.map((_, i) => `s${i + 1}`);
    return [
      "<!DOCTYPE html>",
      `<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">`,
      `<title>${escapeHtml(this.title)}</title><style>${STYLE}</style></head><body>`,
      `<h1>${escapeHtml(this.title)}</h1>`,
      this.subtitle ? `<p class="subtitle">${escapeHtml(this.subtitle)}</p>` : "",
      ...this.intro.map((p) => `<p>${escapeHtml(p)}</p>`),
      this.sections.length > 1 ? `<nav><ul>${this.sections.map((s, i) => `<li><a href="#${ids[i]}">${escapeHtml(s.title)}</a></li>`).join("")}</ul></nav>` : "",
      ...this.sections.map((s, i) => s.render(ids[i])),
      footer ? `<footer>${escapeHtml(footer)}</footer>` : "",
      "</body></html>",
      "",
    ].join("\n");
  }

  /** Writes the page as `dir/fileName` (default index.html), creating `dir`; returns the file's path. */
  write(dir: string, fileName = "index.html", footer?: string): string {
    mkdirSync(dir, { recursive: true });
    const path = join(dir, fileName);
    writeFileSync(path, this.render(footer));
    return path;
  }
}
