/** `synthbench merge DIR... --out DIR`: combine shard (or partial) results directories into one and render its report. */
import path from 'node:path';
import type { Command } from 'commander';
import { writeReport } from '../report/write.js';
import { mergeResults } from '../runner/merge.js';

export function registerMerge(program: Command): void {
  program
    .command('merge')
    .description('combine results directories of one suite (e.g. `run --shard I/N` outputs) into one, checking they agree, and render its report')
    .argument('<dirs...>', 'results directories to combine')
    .requiredOption('-o, --out <dir>', 'new directory for the merged results')
    .option('--force', 'merge inputs from different suites or code versions (conflicting duplicate results are still refused)')
    .option('--no-report', 'do not render report.html')
    .action(async (dirs: string[], flags: { out: string; force?: boolean; report: boolean }) => {
      const s = mergeResults({ inputs: dirs, outDir: flags.out, force: flags.force });
      for (const w of s.warnings) process.stderr.write(`warning: ${w}\n`);
      process.stderr.write(
        `merged ${dirs.length} director${dirs.length === 1 ? 'y' : 'ies'}: ${s.units} unit(s), ${s.records} record(s)` +
          `${s.duplicateUnits ? `, ${s.duplicateUnits} identical duplicate unit(s) dropped` : ''}; cells ${s.cells.done}/${s.cells.total} complete` +
          `${s.cells.failed ? `, ${s.cells.failed} with failures` : ''}\n`,
      );
      if (s.cells.done < s.cells.total) process.stderr.write(`note: ${s.cells.total - s.cells.done} cell(s) are missing or incomplete; run the missing shards and merge again\n`);
      process.stderr.write(`results: ${path.join(flags.out, 'results.jsonl')}\n`);
      if (flags.report) process.stderr.write(`report:  ${await writeReport(flags.out)}\n`);
    });
}
