/**
 * Methodology appendix: what each attack and metric measures (summary, formula, directions,
 * source and, for attacks, the threat model), read from the plugin registries at report time so it
 * always matches the code that ran, plus the list of measures that appear in this report with
 * their direction, units and source.
 */
import { attacks } from '../attacks/registry.js';
import { metrics } from '../metrics/registry.js';
import type { LeaderboardModel } from './aggregate.js';

export interface AttackEntry {
  id: string;
  kind: string;
  summary: string;
  formula: string;
  directions: string;
  reference: string;
  threatModel: string;
  attackerHolds: string;
}

export interface MetricEntry {
  id: string;
  family: string;
  summary: string;
  formula: string;
  directions: string;
  reference: string;
}

/** One appendix table: the plugins of one attack kind or metric family. */
export interface EntryGroup<E> {
  key: string;
  title: string;
  entries: E[];
}

export interface MeasureEntry {
  measure: string;
  family: string;
  direction: string;
  units: string;
  proxy: boolean;
  source: string;
  datasets: string;
}

function holds(t: { holdsReference: boolean; blackBoxGenerator: boolean; knownColumns: string }): string {
  const parts = ['the synthetic data'];
  if (t.holdsReference) parts.push('reference data from the same population');
  if (t.blackBoxGenerator) parts.push('black-box access to the generator');
  parts.push(`known target columns: ${t.knownColumns}`);
  return parts.join('; ');
}

export function attackEntries(): AttackEntry[] {
  return attacks
    .list()
    .map((a) => ({
      id: a.id,
      kind: a.kind,
      summary: a.summary,
      formula: a.formula,
      directions: a.directions,
      reference: a.reference ?? '—',
      threatModel: a.threatModel.description,
      attackerHolds: holds(a.threatModel),
    }))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
}

export function metricEntries(): MetricEntry[] {
  return metrics
    .list()
    .map((m) => ({ id: m.id, family: m.family, summary: m.summary, formula: m.formula, directions: m.directions, reference: m.reference ?? '—' }))
    .sort((a, b) => (a.family < b.family ? -1 : a.family > b.family ? 1 : a.id < b.id ? -1 : 1));
}

const ATTACK_KINDS: Record<string, string> = {
  membership: 'Membership inference',
  inference: 'Attribute inference',
  linkage: 'Linkage and disclosure',
  'singling-out': 'Singling out',
};
const METRIC_FAMILIES: Record<string, string> = { fidelity: 'Fidelity', utility: 'Utility', fairness: 'Fairness', cost: 'Cost' };

/** Splits entries into one group per kind/family, known ones in the given order, unknown ones after, by name. */
function groupBy<E>(entries: E[], keyOf: (e: E) => string, titles: Record<string, string>): EntryGroup<E>[] {
  const order = Object.keys(titles);
  const groups = new Map<string, E[]>();
  for (const e of entries) {
    const k = keyOf(e);
    const list = groups.get(k);
    if (list) list.push(e);
    else groups.set(k, [e]);
  }
  const rank = (k: string) => (order.includes(k) ? order.indexOf(k) : order.length);
  return [...groups.entries()]
    .sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, list]) => ({ key, title: titles[key] ?? key, entries: list }));
}

/** Attacks in one table per kind (membership, inference, linkage, singling out). */
export function attackGroups(): EntryGroup<AttackEntry>[] {
  return groupBy(attackEntries(), (e) => e.kind, ATTACK_KINDS);
}

/** Metrics in one table per family (fidelity, utility, fairness, cost). */
export function metricGroups(): EntryGroup<MetricEntry>[] {
  return groupBy(metricEntries(), (e) => e.family, METRIC_FAMILIES);
}

/** Every distinct measure (headline and breakdown base ids) in the report, with where it appears. */
export function measureEntries(model: LeaderboardModel): MeasureEntry[] {
  const byKey = new Map<string, MeasureEntry & { ds: Set<string> }>();
  for (const board of model.datasets) {
    for (const c of [...board.columns, ...board.breakdowns]) {
      const source = `${c.source.type} ${c.source.id}`;
      const key = `${c.measure}\u0000${source}`;
      let e = byKey.get(key);
      if (!e) {
        byKey.set(
          key,
          (e = {
            measure: board.breakdowns.includes(c as never) ? `${c.measure}[…]` : c.measure,
            family: c.family,
            direction: c.direction,
            units: c.units ?? '—',
            proxy: c.proxy,
            source,
            datasets: '',
            ds: new Set(),
          }),
        );
      }
      e.ds.add(board.dataset);
    }
  }
  return [...byKey.values()]
    .map(({ ds, ...e }) => ({ ...e, datasets: [...ds].join(', ') }))
    .sort((a, b) => (a.measure < b.measure ? -1 : a.measure > b.measure ? 1 : a.source < b.source ? -1 : 1));
}
