// Reports: an HTML page of sections, inline SVG line charts and images, and drawing boxes and labels into
// image tensors (the demo's deepts-output/index.html).
export { escapeHtml } from "./escape.js";
export { type ChartSeries, type LineChartOptions, type Svg, formatTick, lineChart, niceTicks } from "./chart.js";
export { type ImageOptions, Report, ReportSection } from "./html.js";
export { Canvas, type DrawRect, type LabelledBoxOptions, type Rgb, type TextOptions, measureText } from "./draw.js";
export { GLYPH_CELL } from "./font.js";
