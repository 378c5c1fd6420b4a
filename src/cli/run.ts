/** `synthbench run [suite.json]`: run a benchmark suite (default: the built-in cohort) and write a report. */
import { rmSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { SynthbenchError } from '../core/errors.js';
import { shortHash } from '../core/hash.js';
import { writeReport } from '../report/write.js';
import { stderrProgress } from '../runner/progress.js';
import { runSuite } from '../runner/run.js';
import { type SuiteInput, loadSuite, parseSuite } from '../runner/suite.js';
import type { BackendName } from '../tensor/backend.js';
import { BACKENDS } from '../tensor/backend.js';
import { EXIT } from './main.js';
import { QUICK_SUITE } from '../runner/profiles.js';
import { parseShard } from '../runner/shard.js';
import { intArg, intListArg, interruptSignal, openInViewer, positiveNumberArg } from './common.js';

function positiveIntArg(flag: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new SynthbenchError('BAD_CONFIG', `${flag} must be a positive integer or "auto", got "${v}"`);
  return n;
}

interface RunFlags {
  dataset?: string[];
  generator?: string[];
  attack?: string[];
  metric?: string[];
  trainSize?: number;
  repetitions?: number;
  splitSeeds?: number[];
  seed?: number;
  timeout?: number;
  out?: string;
  dataDir?: string;
  cacheDir?: string;
  offline?: boolean;
  backend?: BackendName;
  fresh?: boolean;
  retryFailed?: boolean;
  open: boolean;
  json?: boolean;
  quick?: boolean;
  workers?: string;
  kernelThreads?: string;
  shard?: string;
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run a benchmark suite (no argument: the built-in simulated clinical cohort with the baseline generators) and render the report')
    .argument('[suite]', 'suite JSON file (see docs/suites.md)')
    .option('-d, --dataset <ids...>', 'datasets to use (overrides the suite)')
    .option('-g, --generator <ids...>', 'generators to run with default params (overrides the suite)')
    .option('-a, --attack <ids...>', 'attacks to run (overrides the suite)')
    .option('-m, --metric <ids...>', 'metrics to run (overrides the suite)')
    .option('--train-size <n>', 'rows in the training split (holdout and reference default to the same)', intArg('--train-size', 1))
    .option('--repetitions <n>', 'repetitions per cell', intArg('--repetitions', 1))
    .option('--split-seeds <list>', 'comma-separated split seeds', intListArg('--split-seeds'))
    .option('--seed <n>', 'suite base seed', intArg('--seed'))
    .option('--timeout <seconds>', 'per-cell time limit', positiveNumberArg('--timeout'))
    .option('-o, --out <dir>', 'results directory (default: reports/<suite>-<config hash>; re-running resumes)')
    .option('--data-dir <dir>', 'offline dataset mirror (<dir>/<dataset>/<file>); default $SYNTHBENCH_DATA_DIR')
    .option('--cache-dir <dir>', 'dataset download cache; default $SYNTHBENCH_CACHE_DIR or ~/.cache/synthbench')
    .option('--offline', 'never download datasets')
    .option('--backend <name>', `force a TensorFlow.js backend (${BACKENDS.join(', ')})`)
    .option('--fresh', 'delete earlier results in the output directory first')
    .option('--retry-failed', 're-run units recorded as failed or timed-out')
    .option('--no-open', 'do not open the report in a browser')
    .option('--json', 'print the result records as JSON lines on stdout')
    .option('--quick', 'the small pull-request profile (benchmarks/suites/quick.json): cohort, 300 training rows, baseline generators')
    .option('--workers <n>', 'run cells in N parallel worker threads, or "auto" (min(cores, free memory / 1 GiB, cells)); default 1 (this thread)')
    .option('--kernel-threads <n>', 'threads for the wasm matrix kernel per cell (1 or 2; results are identical either way), or "auto" (cores ÷ workers, the default)')
    .option('--shard <I/N>', 'run only shard I (0-based) of N of the cell grid; combine shard directories with `synthbench merge`')
    .action(async (suiteFile: string | undefined, flags: RunFlags) => {
      if (flags.backend && !BACKENDS.includes(flags.backend)) {
        throw new SynthbenchError('BAD_CONFIG', `--backend must be one of ${BACKENDS.join(', ')}, got "${flags.backend}"`);
      }
      if (flags.quick && suiteFile) throw new SynthbenchError('BAD_CONFIG', '--quick selects the quick suite; pass either --quick or a suite file, not both');
      const shard = flags.shard !== undefined ? parseShard(flags.shard) : undefined;
      const base: SuiteInput = suiteFile ? (loadSuite(suiteFile) as SuiteInput) : flags.quick ? { ...QUICK_SUITE } : { name: 'default' };
      const merged: SuiteInput = {
        ...base,
        ...(flags.dataset ? { datasets: flags.dataset } : {}),
        ...(flags.generator ? { generators: flags.generator } : {}),
        ...(flags.attack ? { attacks: flags.attack } : {}),
        ...(flags.metric ? { metrics: flags.metric } : {}),
        ...(flags.repetitions ? { repetitions: flags.repetitions } : {}),
        ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
        ...(flags.timeout ? { timeoutSeconds: flags.timeout } : {}),
        splits: { ...(base.splits ?? {}), ...(flags.trainSize ? { trainSize: flags.trainSize } : {}), ...(flags.splitSeeds ? { seeds: flags.splitSeeds } : {}) },
      };
      const suite = parseSuite(merged, suiteFile ?? 'command line');
      const outDir = path.resolve(flags.out ?? path.join('reports', `${suite.name}-${shortHash(suite, 8)}${shard ? `-shard${shard.index}of${shard.count}` : ''}`));
      if (flags.fresh) rmSync(outDir, { recursive: true, force: true });
      const interrupt = interruptSignal();
      try {
        const summary = await runSuite({
          suite,
          outDir,
          dataDir: flags.dataDir,
          cacheDir: flags.cacheDir,
          download: flags.offline ? false : undefined,
          backend: flags.backend,
          signal: interrupt.signal,
          progress: stderrProgress(),
          retryFailed: flags.retryFailed,
          workers: flags.workers === undefined ? 1 : flags.workers === 'auto' ? 'auto' : positiveIntArg('--workers', flags.workers),
          kernelThreads: flags.kernelThreads === undefined || flags.kernelThreads === 'auto' ? 'auto' : positiveIntArg('--kernel-threads', flags.kernelThreads),
          shard,
          command: `synthbench run${suiteFile ? ` ${suiteFile}` : flags.quick ? ' --quick' : ''}${shard ? ` --shard ${flags.shard}` : ''}`,
          log: (l) => process.stderr.write(l + '\n'),
        });
        const report = await writeReport(outDir);
        if (flags.json) for (const r of summary.records) process.stdout.write(JSON.stringify(r) + '\n');
        process.stderr.write(`results: ${path.join(outDir, 'results.jsonl')}\nreport:  ${report}\n`);
        if (summary.failedUnits) process.stderr.write(`${summary.failedUnits} record(s) failed or timed out; they are shown as such in the report\n`);
        if (summary.interrupted) {
          process.stderr.write('interrupted: run the same command again to resume\n');
          process.exitCode = EXIT.interrupted;
          return;
        }
        if (flags.open && !flags.json) openInViewer(report);
      } finally {
        interrupt.dispose();
      }
    });
}
