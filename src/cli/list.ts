/**
 * `synthbench list`: the registered generators, attacks, metrics and datasets. The JSON output
 * carries each attack's and metric's formula and directions; the text output stays one line each.
 */
import type { Command } from 'commander';
import { attacks } from '../attacks/registry.js';
import { datasets } from '../data/registry.js';
import { generators } from '../generators/registry.js';
import { metrics } from '../metrics/registry.js';

export function listing() {
  return {
    generators: generators.list().map((g) => ({ id: g.id, family: g.family, summary: g.summary, reference: g.reference })),
    attacks: attacks.list().map((a) => ({
      id: a.id,
      kind: a.kind,
      summary: a.summary,
      formula: a.formula,
      directions: a.directions,
      threatModel: a.threatModel.description,
      reference: a.reference,
    })),
    metrics: metrics.list().map((m) => ({ id: m.id, family: m.family, summary: m.summary, formula: m.formula, directions: m.directions, reference: m.reference })),
    datasets: datasets.list().map((d) => ({ id: d.id, summary: d.summary, target: d.target, builtIn: d.sources.length === 0 })),
  };
}

export function registerList(program: Command): void {
  program
    .command('list')
    .description('list generators, attacks, metrics and datasets')
    .option('--generators', 'only generators')
    .option('--attacks', 'only attacks')
    .option('--metrics', 'only metrics')
    .option('--datasets', 'only datasets')
    .option('--json', 'machine-readable output')
    .action((flags: { generators?: boolean; attacks?: boolean; metrics?: boolean; datasets?: boolean; json?: boolean }) => {
      const all = listing();
      const any = flags.generators || flags.attacks || flags.metrics || flags.datasets;
      const pick = (k: keyof typeof all) => !any || flags[k];
      const chosen = Object.fromEntries((Object.keys(all) as (keyof typeof all)[]).filter(pick).map((k) => [k, all[k]]));
      if (flags.json) {
        process.stdout.write(JSON.stringify(chosen, null, 2) + '\n');
        return;
      }
      const out: string[] = [];
      for (const [section, items] of Object.entries(chosen)) {
        out.push(`${section}:`);
        for (const it of items as { id: string; summary: string; family?: string; kind?: string }[]) {
          const tag = it.family ?? it.kind ?? '';
          out.push(`  ${it.id.padEnd(24)} ${tag ? `[${tag}] ` : ''}${it.summary}`);
        }
        out.push('');
      }
      process.stdout.write(out.join('\n'));
    });
}
