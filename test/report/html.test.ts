// Everything from the records reaches the report's HTML escaped: a results file is data anyone can
// edit, and the page is opened in a browser.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { RunRecord } from '../../bench/results.js';
import { summarise } from '../../report/analyze.js';
import { escapeHtml, html, slug, trusted } from '../../report/html.js';
import { renderPage } from '../../report/html-report.js';
import { pngName, renderFigures } from '../../report/render.js';
import { markdownSummary } from '../../report/markdown.js';

const fixture = fileURLToPath(new URL('./fixtures/gaps.jsonl', import.meta.url));
const EVIL = '<script>alert(1)</script>';

test('the html tag escapes values, joins arrays and inserts only Html as is', () => {
  const v = html`<p title="${'"x"'}">${EVIL}${[1, '&']}${trusted('<b>ok</b>')}${null}</p>`;
  assert.equal(v.text, '<p title="&quot;x&quot;">&lt;script&gt;alert(1)&lt;/script&gt;1&amp;<b>ok</b></p>');
  assert.equal(escapeHtml(`'`), '&#39;');
  assert.equal(slug('../../etc/x y'), '__.._etc_x_y');
});

test('a crafted task name, label and config value never reach the page or its figures as markup', async () => {
  const records = readFileSync(fixture, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as RunRecord)
    .map((r) => ({
      ...r,
      task: r.task === 'toy-acc' ? `toy${EVIL}` : r.task,
      label: `${r.label}${EVIL}`,
      config: r.optimizerKind === 'grid' ? { ...r.config, schedule: `cos"${EVIL}` } : r.config,
      versions: { [`tfjs${EVIL}`]: EVIL },
      backend: EVIL,
    }));
  const s = summarise(records);
  const figures = await renderFigures(s);
  const page = renderPage(
    s,
    { results: `r${EVIL}.jsonl`, duplicates: 0, generatedAt: 'now', regenerate: EVIL },
    figures,
  );
  assert.ok(page.includes('<svg'), 'the figures are inlined');
  assert.equal(page.includes('<script'), false, 'no script element anywhere');
  assert.ok(page.includes('toy&lt;script&gt;alert(1)&lt;/script&gt;'), 'the task name is shown, escaped');
  assert.ok(page.includes('GeN-AdamW&lt;script&gt;'), 'labels are shown, escaped');
  assert.ok(page.includes('cos\\&quot;&lt;script&gt;'), 'config values are shown, escaped');
  // ids and PNG names are slugs, so a name cannot break out of an attribute or the PNG folder
  assert.match(page, /id="toy_script_alert_1___script_"/);
  assert.equal(pngName('curves', `../toy${EVIL}`), 'curves-__toy_script_alert_1___script_.png');
  const md = markdownSummary(s, {
    results: 'r.jsonl',
    duplicates: 0,
    produced: 'cmd',
    regenerate: null,
    pngs: [],
    totalMs: 0,
  });
  // the Markdown table keeps its columns: a `|` in a name is escaped
  const crafted = summarise(records.map((r) => ({ ...r, task: `a|b${r.task}` })));
  const mdCrafted = markdownSummary(crafted, {
    results: 'r',
    duplicates: 0,
    produced: 'c',
    regenerate: null,
    pngs: [],
    totalMs: 0,
  });
  assert.ok(mdCrafted.includes('a\\|btoy-rmse'));
  assert.equal(md.includes('<script'), false, 'the Markdown summary escapes markup too');
  assert.ok(md.includes('&lt;script&gt;'));
});
