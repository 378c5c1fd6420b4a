/**
 * Prompt for the `llm-endpoint` generator, in the style of few-shot tabular prompting (Borisov et
 * al. 2023, "Language Models are Realistic Tabular Data Generators", serialise rows as text;
 * here as JSON lines so the reply can be parsed and validated column by column). The prompt holds
 * a schema summary (kind, category list or observed range, whether null occurs) and the few-shot
 * training rows. Those rows are sent verbatim to the endpoint: they are the privacy risk under test.
 */
import type { Rng } from '../../core/rng.js';
import type { ColumnSpec } from '../../core/schema.js';
import type { Table } from '../../core/table.js';
import { type Resolution, isModelled, learnResolution, observedRange } from '../common.js';

const DAY_MS = 86_400_000;

/** What the prompt says about a modelled column, and what the parser checks against. */
export interface ColumnRule {
  /** Index of the column in the table. */
  index: number;
  spec: ColumnSpec;
  /** Observed range of numeric training values (NaN when none observed). */
  min: number;
  max: number;
  /** The training column has missing values, so `null` is an accepted value. */
  nullable: boolean;
  /** Numeric kinds: resolution of the training values (output is rounded to it). */
  resolution?: Resolution;
}

export interface PromptPlan {
  rules: ColumnRule[];
  /** The few-shot rows as JSON lines (one object per row, keys = modelled column names). */
  exampleLines: string[];
}

export function columnRules(train: Table): ColumnRule[] {
  const rules: ColumnRule[] = [];
  train.columns.forEach((c, index) => {
    if (!isModelled(c.spec)) return; // id/excluded columns are never sent nor generated
    if (c.type === 'numeric') {
      const r = observedRange(c.values);
      rules.push({ index, spec: c.spec, min: r.min, max: r.max, nullable: r.count < train.nRows, resolution: learnResolution(c.spec, c.values) });
    } else {
      let missing = false;
      for (let i = 0; i < c.codes.length && !missing; i++) missing = c.codes[i] < 0;
      rules.push({ index, spec: c.spec, min: NaN, max: NaN, nullable: missing });
    }
  });
  return rules;
}

/** ISO 8601 text of an epoch-ms datetime: a date alone when the column's resolution is whole days. */
export function isoDatetime(ms: number, rule: ColumnRule): string {
  const iso = new Date(ms).toISOString();
  return rule.resolution && rule.resolution.step >= DAY_MS && ms % DAY_MS === 0 ? iso.slice(0, 10) : iso;
}

/** One training row as a JSON line over the modelled columns (missing = null). */
export function rowLine(table: Table, row: number, rules: ColumnRule[]): string {
  const obj: Record<string, string | number | null> = {};
  for (const rule of rules) {
    const v = table.value(row, rule.index);
    obj[rule.spec.name] = v === null ? null : rule.spec.kind === 'datetime' ? isoDatetime(v as number, rule) : v;
  }
  return JSON.stringify(obj);
}

/** Few-shot rows drawn without replacement from train with the fit rng. */
export function drawExamples(train: Table, rules: ColumnRule[], k: number, rng: Rng): string[] {
  const idx = rng.sampleWithoutReplacement(train.nRows, Math.min(k, train.nRows));
  return Array.from(idx, (i) => rowLine(train, i, rules));
}

function describeColumn(rule: ColumnRule): string {
  const s = rule.spec;
  const nul = rule.nullable ? '; may be null (missing)' : '; never null';
  if (s.categories && (s.kind === 'categorical' || s.kind === 'ordinal' || s.kind === 'boolean')) {
    const order = s.kind === 'ordinal' ? ' (ordered)' : '';
    return `- ${s.name}: ${s.kind}${order}, a string, one of ${JSON.stringify(s.categories)}${nul}`;
  }
  const range = Number.isNaN(rule.min)
    ? ''
    : s.kind === 'datetime'
      ? `, observed from ${isoDatetime(rule.min, rule)} to ${isoDatetime(rule.max, rule)}`
      : `, observed range ${rule.min} to ${rule.max}`;
  if (s.kind === 'datetime') return `- ${s.name}: datetime, an ISO 8601 string${range}${nul}`;
  if (s.kind === 'integer') return `- ${s.name}: integer, a JSON number without decimals${range}${nul}`;
  return `- ${s.name}: continuous, a JSON number${range}${nul}`;
}

export const SYSTEM_PROMPT =
  'You generate synthetic rows for a tabular dataset. Reply with JSON lines only: one JSON object per line, ' +
  'with exactly the listed column names as keys, and no other text.';

/** The user message asking for `n` rows; `order` permutes the example lines (varies per request). */
export function userPrompt(plan: PromptPlan, n: number, order?: ArrayLike<number>): string {
  const lines = ['Columns:', ...plan.rules.map(describeColumn)];
  if (plan.exampleLines.length) {
    lines.push('', 'Example rows (JSON lines):');
    const k = plan.exampleLines.length;
    for (let i = 0; i < k; i++) lines.push(plan.exampleLines[order ? order[i] : i]);
    lines.push('', `Generate exactly ${n} new, realistic rows that follow the same joint distribution as the examples; do not copy the examples.`);
  } else {
    lines.push('', `Generate exactly ${n} new, realistic rows for this table.`);
  }
  lines.push(`Output exactly ${n} lines, each one JSON object with the keys ${JSON.stringify(plan.rules.map((r) => r.spec.name))}.`);
  return lines.join('\n');
}

export function buildMessages(plan: PromptPlan, n: number, rng: Rng): { role: 'system' | 'user'; content: string }[] {
  const order = plan.exampleLines.length > 1 ? rng.permutation(plan.exampleLines.length) : undefined;
  return [
    { role: 'system', content: SYSTEM_PROMPT },
    { role: 'user', content: userPrompt(plan, n, order) },
  ];
}
