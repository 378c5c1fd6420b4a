/** `synthbench datasets`: list the registry and fetch/verify dataset files into the cache. */
import type { Command } from 'commander';
import { datasets, loadDataset } from '../data/registry.js';

export function registerDatasets(program: Command): void {
  const cmd = program.command('datasets').description('list, fetch and verify datasets');
  cmd
    .command('list', { isDefault: true })
    .description('list registered datasets with their sources and checksums')
    .option('--json', 'machine-readable output')
    .action((flags: { json?: boolean }) => {
      const all = datasets.list().map((d) => ({
        id: d.id,
        summary: d.summary,
        target: d.target,
        sensitive: d.sensitive,
        quasiIdentifiers: d.quasiIdentifiers,
        citation: d.citation,
        sources: d.sources,
      }));
      if (flags.json) return void process.stdout.write(JSON.stringify(all, null, 2) + '\n');
      for (const d of all) {
        process.stdout.write(`${d.id}: ${d.summary}\n  target ${d.target}; sensitive ${d.sensitive.join(', ')}; quasi-identifiers ${d.quasiIdentifiers.join(', ')}\n`);
        if (!d.sources.length) process.stdout.write('  built in (simulated; nothing to download)\n');
        for (const s of d.sources) {
          const how = s.manual ? ' (no download: mirror or cache only)' : s.fromDownload ? ' (download converted to the pinned copy)' : '';
          process.stdout.write(`  ${s.file}  sha256 ${s.sha256}\n    ${s.url}${how}\n`);
        }
      }
    });
  cmd
    .command('fetch')
    .description('load datasets (mirror, cache or download), verify their checksums and report where they came from')
    .argument('<ids...>', 'dataset ids')
    .option('--data-dir <dir>', 'offline mirror (<dir>/<dataset>/<file>)')
    .option('--cache-dir <dir>', 'download cache')
    .option('--offline', 'never download')
    .action(async (ids: string[], flags: { dataDir?: string; cacheDir?: string; offline?: boolean }) => {
      for (const id of ids) {
        const r = await loadDataset(id, { dataDir: flags.dataDir, cacheDir: flags.cacheDir, download: flags.offline ? false : undefined });
        process.stdout.write(`${id}: ${r.table.nRows} rows × ${r.table.nCols} columns from ${r.source} (fingerprint ${r.fingerprint.slice(0, 16)})\n`);
      }
    });
}
