import { describe, expect, it } from 'vitest';
import { evaluateGate } from '../../src/gate/evaluate.js';
import { escapeXml, formatJunit, formatMarkdown, formatTable } from '../../src/gate/format.js';
import { parsePolicy } from '../../src/gate/policy.js';
import { record, series } from './records.js';

/** Minimal XML 1.0 well-formedness check: balanced tags, quoted attributes, valid entities and characters. */
function assertWellFormed(xml: string): void {
  const body = xml.replace(/^<\?xml [^?]*\?>\n/, '');
  expect(body).not.toMatch(/[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u);
  const stack: string[] = [];
  const tokens = body.match(/<[^>]*>|[^<]+/g) ?? [];
  expect(tokens.join('')).toBe(body); // no stray '<'
  for (const t of tokens) {
    if (!t.startsWith('<')) {
      expect(t).not.toMatch(/&(?!(amp|lt|gt|quot|apos);)/);
      expect(t).not.toContain('>');
      continue;
    }
    const m = /^<(\/?)([A-Za-z][\w.-]*)((?:\s+[A-Za-z][\w:.-]*="[^"<]*")*)\s*(\/?)>$/.exec(t);
    expect(m, `malformed tag ${t}`).not.toBeNull();
    const [, close, name, attrs, selfClose] = m!;
    expect(attrs).not.toMatch(/&(?!(amp|lt|gt|quot|apos);)/);
    if (close) expect(stack.pop()).toBe(name);
    else if (!selfClose) stack.push(name);
  }
  expect(stack).toEqual([]);
}

const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

describe('gate output', () => {
  const hostile = `<img src=x onerror=alert(1)> & "q" 'a' | x\u0001`;
  const recs = [
    ...series('dcr.auc', [1, 1], { generator: 'identity' }),
    ...series('dcr.auc', [0.5, 0.52], { dataset: hostile }),
    record({ measure: 'dcr', generator: 'uniform', value: null, status: 'failed', error: 'bad </failure> "x" & more' }),
  ];
  const result = evaluateGate(parsePolicy({ rules: [{ measure: 'dcr.auc', max: 0.6 }, { measure: 'tstr.accuracy-ratio', min: 0.9, missing: 'skip' }] }), recs);

  it('writes well-formed JUnit XML with one testcase per rule × dataset × generator', () => {
    const xml = formatJunit(result);
    assertWellFormed(xml);
    expect(xml.match(/<testcase /g)).toHaveLength(result.rows.length);
    expect(result.rows).toHaveLength(6);
    expect(xml).toContain('<testsuites name="synthbench gate" tests="6" failures="2" errors="0" skipped="3">');
    expect(xml).toMatch(/<failure type="fail" message="1 &gt; 0.6">/);
    expect(xml).toMatch(/<failure type="missing" message="no value: failed: bad &lt;\/failure&gt; &quot;x&quot; &amp; more">/);
    expect(xml).not.toContain('<img');
    expect(xml).toContain(escapeXml(`synthbench.gate.${hostile}`));
  });

  it('escapes XML so that text round-trips (control characters become U+FFFD)', () => {
    expect(unescape(escapeXml(hostile))).toBe(hostile.replace('\u0001', '\uFFFD'));
    expect(escapeXml('a&b<c>"\'')).toBe('a&amp;b&lt;c&gt;&quot;&apos;');
  });

  it('prints a verdict table and a Markdown summary that cannot inject HTML or break the table', () => {
    const table = formatTable(result);
    expect(table).toMatch(/^rule\s+dataset\s+generator\s+value \[CI\]\s+threshold\s+verdict/);
    expect(table).toContain('FAIL: 1 passed, 1 failed, 1 missing, 3 skipped');
    const md = formatMarkdown(result);
    expect(md.startsWith('## synthbench gate: FAIL')).toBe(true);
    expect(md).not.toContain('<img');
    const rows = md.split('\n').filter((l) => l.startsWith('| '));
    for (const l of rows) expect(l.replace(/\\\|/g, '').split('|').length).toBe(9); // 7 columns
  });
});

describe('policy validation', () => {
  const msg = (raw: unknown) => {
    try {
      parsePolicy(raw, 'p.json');
      return 'ok';
    } catch (err) {
      return (err as Error).message;
    }
  };
  it('names the field in one line', () => {
    expect(msg({ rules: [{ measure: 'dcr.auc', maxx: 0.6 }] })).toBe('p.json: rules.0: unknown key(s) "maxx"; fix it (see docs/gates.md)');
    expect(msg({ rules: [{ measure: 'dcr.auc' }] })).toMatch(/^p\.json: rules\.0: a rule needs at least one check/);
    expect(msg({ rules: [{ measure: 'dcr.auc', min: 0.7, max: 0.6 }] })).toMatch(/rules\.0: min is larger than max/);
    expect(msg({ rules: [] })).toMatch(/^p\.json: rules: /);
    expect(msg({ rules: [{ measure: 'dcr.auc', max: '0.6' }] })).toMatch(/rules\.0\.max: Expected number, received string/);
    expect(msg({ rules: [{ measure: 'dcr.auc', max: 0.6, aggregate: 'median' }] })).toMatch(/rules\.0\.aggregate: /);
    for (const m of [msg({ rules: [{ measure: 'x' }] }), msg({ rules: 1 })]) expect(m).not.toContain('\n');
    expect(msg({ rules: [{ measure: 'dcr.auc', max: 0.6 }] })).toBe('ok');
  });
});
