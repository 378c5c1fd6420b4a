/**
 * Gate output for people and CI systems: a plain-text verdict table (terminal), JUnit XML (one
 * testcase per rule × dataset × generator; test reporters in CI read it) and a Markdown summary
 * (pull-request comments, job summaries). All text from records is escaped for its format.
 */
import { type GateResult, type GateRow, formatValue } from './evaluate.js';

const HEAD = ['rule', 'dataset', 'generator', 'value [CI]', 'threshold', 'verdict'] as const;

function valueText(r: GateRow): string {
  if (r.value === null) return '—';
  const ci = r.ci ? ` [${formatValue(r.ci[0])}, ${formatValue(r.ci[1])}]` : '';
  const n = r.aggregate === 'worst' ? ` (worst of ${r.n})` : r.n > 1 ? ` (n=${r.n})` : '';
  return `${formatValue(r.value)}${ci}${n}`;
}

function verdictText(r: GateRow): string {
  return r.verdict.toUpperCase();
}

function cells(r: GateRow): string[] {
  return [r.rule, r.dataset, r.generator, valueText(r), r.threshold, verdictText(r)];
}

function summaryLine(res: GateResult): string {
  const c = res.counts;
  return `${res.passed ? 'PASS' : 'FAIL'}: ${c.pass} passed, ${c.fail} failed, ${c.missing} missing, ${c.skipped} skipped`;
}

export function formatTable(res: GateResult): string {
  const rows = res.rows.map(cells);
  const width = HEAD.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: readonly string[]) => r.map((c, i) => c.padEnd(width[i])).join('  ').trimEnd();
  const out = [line(HEAD), width.map((w) => '-'.repeat(w)).join('  ')];
  for (const [i, r] of rows.entries()) {
    out.push(line(r));
    const msg = res.rows[i].message;
    if (msg && res.rows[i].verdict !== 'pass') out.push(`    ↳ ${msg}`);
  }
  out.push('', summaryLine(res));
  return out.join('\n') + '\n';
}

/** Escapes text for XML 1.0 content and attributes; characters XML cannot carry become U+FFFD. */
export function escapeXml(s: string): string {
  return s
    .replace(/[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

export function formatJunit(res: GateResult): string {
  const byRule = new Map<number, GateRow[]>();
  for (const r of res.rows) {
    const list = byRule.get(r.ruleIndex);
    if (list) list.push(r);
    else byRule.set(r.ruleIndex, [r]);
  }
  const count = (rows: GateRow[]) => ({
    tests: rows.length,
    failures: rows.filter((r) => r.verdict === 'fail' || r.verdict === 'missing').length,
    skipped: rows.filter((r) => r.verdict === 'skipped').length,
  });
  const all = count(res.rows);
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="synthbench gate" tests="${all.tests}" failures="${all.failures}" errors="0" skipped="${all.skipped}">`];
  for (const rows of byRule.values()) {
    const c = count(rows);
    out.push(`  <testsuite name="${escapeXml(rows[0].rule)}" tests="${c.tests}" failures="${c.failures}" errors="0" skipped="${c.skipped}">`);
    for (const r of rows) {
      const name = escapeXml(`${r.rule} · ${r.dataset} · ${r.generator}`);
      const open = `    <testcase classname="${escapeXml(`synthbench.gate.${r.dataset}`)}" name="${name}">`;
      const detail = escapeXml(`value ${valueText(r)}; threshold ${r.threshold}${r.message ? `; ${r.message}` : ''}`);
      if (r.verdict === 'pass') out.push(`${open}<system-out>${detail}</system-out></testcase>`);
      else if (r.verdict === 'skipped') out.push(`${open}<skipped message="${escapeXml(r.message)}"/></testcase>`);
      else out.push(`${open}<failure type="${r.verdict}" message="${escapeXml(r.message || r.verdict)}">${detail}</failure></testcase>`);
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}

/** Markdown-safe cell text: no raw HTML, no table-breaking pipes or newlines. */
export function escapeMarkdown(s: string): string {
  return s
    .replace(/([\\`*_[\]])/g, '\\$1')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/[\r\n]+/g, ' ');
}

export function formatMarkdown(res: GateResult, title = 'synthbench gate'): string {
  const icon = (r: GateRow) => (r.verdict === 'pass' ? '✅ pass' : r.verdict === 'skipped' ? '⏭️ skipped' : r.verdict === 'missing' ? '❌ missing' : '❌ fail');
  const out = [`## ${escapeMarkdown(title)}: ${res.passed ? 'PASS' : 'FAIL'}`, '', summaryLine(res), '', '| rule | dataset | generator | value [CI] | threshold | verdict | note |', '|---|---|---|---|---|---|---|'];
  for (const r of res.rows) {
    const c = cells(r).slice(0, 5).map(escapeMarkdown);
    out.push(`| ${c.join(' | ')} | ${icon(r)} | ${escapeMarkdown(r.message)} |`);
  }
  return out.join('\n') + '\n';
}
