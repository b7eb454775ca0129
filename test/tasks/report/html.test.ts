// Report: page structure, escaping of every text, image paths, charts, and writing to disk.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { Report, lineChart } from "../../../src/index.js";

describe("Report", () => {
  it("renders a complete page: title, intro, navigation, sections in order, footer", () => {
    const r = new Report("Run <1>", "a & b");
    r.paragraph("before the sections");
    r.section("First").paragraph("one");
    r.section("Second").list(["x", "y <z>"]);
    const html = r.render("made by a test");
    assert.match(html, /^<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">/);
    assert.match(html, /<title>Run &lt;1&gt;<\/title>/);
    assert.match(html, /<h1>Run &lt;1&gt;<\/h1>/);
    assert.match(html, /<p class="subtitle">a &amp; b<\/p>/);
    assert.match(html, /<p>before the sections<\/p>/);
    assert.match(html, /<nav><ul><li><a href="#s1">First<\/a><\/li><li><a href="#s2">Second<\/a><\/li><\/ul><\/nav>/);
    assert.ok(html.indexOf('<section id="s1">') < html.indexOf('<section id="s2">'));
    assert.match(html, /<ul><li>x<\/li><li>y &lt;z&gt;<\/li><\/ul>/);
    assert.match(html, /<footer>made by a test<\/footer>/);
    assert.match(html, /<\/body><\/html>\n$/);
    assert.equal((html.match(/<section /g) ?? []).length, (html.match(/<\/section>/g) ?? []).length);
  });

  it("a single section gets no navigation", () => {
    const r = new Report("T");
    r.section("Only").paragraph("p");
    assert.ok(!r.render().includes("<nav>"));
  });

  it("escapes tables, code and captions; formats numbers", () => {
    const r = new Report("T");
    r.section("S")
      .table(["name", "<value>"], [["a&b", 0.123456789], ["c", 42]])
      .code("if (a < b && c > d) {}\n  </pre><script>")
      .image("x.png", { caption: `"quoted" <caption>` });
    const html = r.render();
    assert.match(html, /<th>&lt;value&gt;<\/th>/);
    assert.match(html, /<td>a&amp;b<\/td><td>0\.1235<\/td>/);
    assert.match(html, /<td>42<\/td>/);
    assert.match(html, /<pre>if \(a &lt; b &amp;&amp; c &gt; d\) \{\}\n {2}&lt;\/pre&gt;&lt;script&gt;<\/pre>/);
    assert.ok(!html.includes("<script>"));
    assert.match(html, /alt="&quot;quoted&quot; &lt;caption&gt;"/);
    assert.match(html, /<figcaption>&quot;quoted&quot; &lt;caption&gt;<\/figcaption>/);
    assert.throws(() => r.section("bad").table(["a", "b"], [["only one"]]), /row 0 has 1 cells, the header 2/);
  });

  it("images: relative paths, URL-encoded, linked, optional width; outside paths refused", () => {
    const r = new Report("T");
    r.section("S").images([["faces/a b#1.jpg", { width: 320.4 }], ["c.png"]]);
    const html = r.render();
    assert.match(html, /<a href="faces\/a%20b%231\.jpg"><img src="faces\/a%20b%231\.jpg" alt="a b#1\.jpg" width="320" loading="lazy"><\/a>/);
    assert.match(html, /<img src="c\.png" alt="c\.png" loading="lazy">/);
    const s = r.section("bad");
    for (const bad of ["/etc/passwd", "../up.png", "a/../../b.png", "javascript:alert(1)", "https://example.com/x.png", "C:\\x.png", "", "a//b.png"])
      assert.throws(() => s.image(bad), /relative to the report's folder|must stay inside the report's folder/, bad);
  });

  it("charts: only what lineChart made", () => {
    const r = new Report("T");
    const svg = lineChart([{ name: "loss", values: [1, 0.5] }]);
    r.section("S").chart(svg, "a <caption>");
    assert.match(r.render(), /<figure class="chart"><svg [^]*<\/svg><figcaption>a &lt;caption&gt;<\/figcaption><\/figure>/);
    assert.throws(() => r.section("bad").chart("<svg onload=x>" as never), /give the result of lineChart/);
  });

  it("write() creates the folder and the page", () => {
    const dir = mkdtempSync(join(tmpdir(), "deepts-report-"));
    try {
      const r = new Report("Written");
      r.section("S").paragraph("hello");
      const path = r.write(join(dir, "nested", "out"));
      assert.equal(path, join(dir, "nested", "out", "index.html"));
      const html = readFileSync(path, "utf8");
      assert.match(html, /<h1>Written<\/h1>/);
      assert.equal(html, r.render());
      assert.equal(r.write(dir, "other.html", "foot"), join(dir, "other.html"));
      assert.match(readFileSync(join(dir, "other.html"), "utf8"), /<footer>foot<\/footer>/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
