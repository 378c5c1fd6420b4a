/** `synthbench report DIR`: render the report (HTML, Markdown, CSV, JSON) from a results directory. */
import type { Command } from 'commander';
import { parseFormats, writeReports } from '../report/write.js';
import { openInViewer } from './common.js';

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('render the report from a results directory (results.jsonl + manifest.json): HTML, Markdown, CSV or aggregated JSON')
    .argument('<dir>', 'results directory written by `run` or `evaluate --out`')
    .option('--format <list>', 'comma-separated formats: html, md, csv, json', 'html')
    .option('--out <path>', 'output file (one format) or directory (several); default: the results directory, as report.<format>')
    .option('--title <title>', 'report title (default: synthbench leaderboard and the run id)')
    .option(
      '--include-records',
      'internal use: add a warning banner and per-target lookup hints (split, row index, dataset fingerprint) to the most-exposed-records table; record values are never included',
    )
    .option('--no-open', 'do not open the HTML report in a browser')
    .action(async (dir: string, flags: { format: string; out?: string; title?: string; includeRecords?: boolean; open: boolean }) => {
      const formats = parseFormats(flags.format);
      const files = await writeReports(dir, { formats, out: flags.out, title: flags.title, includeRecords: flags.includeRecords === true });
      for (const f of files) process.stdout.write(`${f}\n`);
      const html = files[formats.indexOf('html')];
      if (flags.open && html) openInViewer(html);
    });
}
