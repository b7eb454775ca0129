// HTML escaping for text and attribute values in the report.

/** `text` with &, <, >, " and ' replaced by entities, safe inside HTML text and quoted attributes. */
export function escapeHtml(text: string): string {
  return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}
