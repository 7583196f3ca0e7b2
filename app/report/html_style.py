"""The report's one <style> block: light on screen and on paper, A4 pages, a page per section.

No web fonts, no images, no url(): the file must read the same offline. Status colours carry a
word beside them ("PASS", "WARN"), so the report also reads in black and white.
"""

from __future__ import annotations

STYLE = """
html { color-scheme: light; }
* { box-sizing: border-box; }
body { font: 14px/1.45 "DejaVu Sans", "Segoe UI", Arial, sans-serif; color: #111827; background: #ffffff;
       margin: 0 auto; max-width: 1100px; padding: 24px 32px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; border-bottom: 2px solid #d1d5db; padding-bottom: 4px; margin: 28px 0 12px; }
h3 { font-size: 16px; margin: 20px 0 8px; }
h4 { font-size: 15px; margin: 14px 0 6px; }
h5 { font-size: 13px; margin: 10px 0 4px; color: #374151; }
header .meta { color: #374151; margin: 0; }
.banner { border: 2px solid; border-radius: 6px; padding: 8px 12px; margin: 12px 0; font-weight: bold; }
.banner.simulated { border-color: #b45309; background: #fffbeb; color: #78350f; }
.banner.redacted { border-color: #1d4ed8; background: #eff6ff; color: #1e3a8a; }
nav.toc { border: 1px solid #d1d5db; border-radius: 6px; padding: 8px 16px; margin: 16px 0; background: #f9fafb; }
nav.toc h2 { border: 0; font-size: 16px; margin: 4px 0; }
nav.toc ol { margin: 4px 0; padding-left: 22px; }
a { color: #1d4ed8; }
table { border-collapse: collapse; margin: 6px 0 12px; }
th, td { border: 1px solid #d1d5db; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f3f4f6; font-weight: 600; }
table.kv > tbody > tr > th, table.kv > tr > th { width: 16em; }
td table.kv > tbody > tr > th, td table.kv > tr > th { width: auto; min-width: 9em; }
th { overflow-wrap: normal; word-break: normal; }
table.storage { width: 100%; table-layout: fixed; font-size: 13px; }
table.grid td, table.kv td { overflow-wrap: anywhere; }
td table { margin: 0; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.na { color: #6b7280; font-style: italic; }
.why, .none { color: #6b7280; }
code, pre, .mono { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: 13px; }
pre { background: #f3f4f6; border: 1px solid #e5e7eb; border-radius: 4px; padding: 6px 8px; margin: 4px 0;
      white-space: pre-wrap; overflow-wrap: anywhere; }
.status { display: inline-block; border: 1px solid; border-radius: 4px; padding: 0 6px; font-weight: bold;
          font-size: 12px; letter-spacing: 0.03em; }
.status.pass { color: #166534; background: #dcfce7; border-color: #16a34a; }
.status.warn, .status.warning, .status.inconclusive { color: #854d0e; background: #fef9c3; border-color: #ca8a04; }
.status.fail, .status.aborted, .status.critical, .status.error { color: #991b1b; background: #fee2e2;
          border-color: #dc2626; }
.status.info, .status.skip, .status.unknown { color: #1f2937; background: #f3f4f6; border-color: #6b7280; }
.overall { font-size: 18px; padding: 10px 14px; border-left: 8px solid #6b7280; background: #f9fafb; margin: 8px 0; }
.overall.pass { border-color: #16a34a; } .overall.warn { border-color: #ca8a04; }
.overall.fail { border-color: #dc2626; }
.sim-mark { display: inline-block; border: 1px solid #b45309; color: #78350f; background: #fffbeb;
            border-radius: 4px; padding: 0 5px; font-size: 11px; font-weight: bold; vertical-align: middle; }
.finding { border: 1px solid #e5e7eb; border-radius: 6px; padding: 6px 10px; margin: 6px 0; }
.finding .id { color: #6b7280; }
.result { border: 1px solid #d1d5db; border-radius: 6px; padding: 4px 14px 10px; margin: 12px 0; }
figure { margin: 10px 0 16px; break-inside: avoid; }
figcaption { font-weight: 600; margin-bottom: 4px; }
svg.graph { width: 100%; height: auto; max-width: 900px; display: block; background: #ffffff; }
svg.graph text { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 11px; fill: #1f2937; }
svg.graph .axis { stroke: #374151; stroke-width: 1; }
svg.graph .grid { stroke: #e5e7eb; stroke-width: 1; }
svg.graph .band { opacity: 0.8; }
svg.graph text.band-label { fill: #374151; font-style: italic; }
svg.graph text.threshold-label { fill: #991b1b; }
svg.graph text.sim-text { fill: #b45309; font-weight: bold; font-size: 13px; letter-spacing: 0.08em; }
svg.graph text.axis-title { font-weight: 600; }
footer { color: #6b7280; margin-top: 32px; font-size: 12px; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; background: #ffffff; color: #000000; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  nav.toc, pre, th { background: #ffffff; }
  section.report-section { break-before: page; }
  h2, h3, h4 { break-after: avoid; }
  tr, .finding, figure, .result > table { break-inside: avoid; }
  svg.graph { max-width: 100%; }
  a { color: inherit; text-decoration: none; }
}
"""
