/** `synthbench report DIR`: render report.html from a results directory. */
import type { Command } from 'commander';
import { writeReport } from '../report/write.js';
import { openInViewer } from './common.js';

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('render the HTML leaderboard from a results directory (results.jsonl + manifest.json)')
    .argument('<dir>', 'results directory written by `run` or `evaluate --out`')
    .option('--no-open', 'do not open the report in a browser')
    .action(async (dir: string, flags: { open: boolean }) => {
      const file = await writeReport(dir);
      process.stdout.write(`${file}\n`);
      if (flags.open) openInViewer(file);
    });
}
