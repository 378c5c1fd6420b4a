/**
 * `synthbench evaluate`: score synthetic CSV files made anywhere (any language, any tool) against
 * the real train (members) and holdout (non-members) files, with every applicable attack and
 * metric. This is how users bring their own generator.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { badInput, notFound } from '../core/errors.js';
import { sha256Hex, shortHash } from '../core/hash.js';
import { targetColumn } from '../core/schema.js';
import { type SchemaOverrides, loadSchemaFile } from '../data/schema-file.js';
import { tablesFromCsv } from '../data/table-csv.js';
import { writeReport } from '../report/write.js';
import { type CellStamp, outcomeRecords } from '../runner/emit.js';
import { allEvaluatorEntries, planEvaluators, runEvaluator } from '../runner/evaluators.js';
import { createManifest, newRunId } from '../runner/manifest.js';
import type { ResultRecord } from '../runner/records.js';
import { evaluatorSource } from '../runner/run.js';
import { ResultStore, workKey } from '../runner/store.js';
import { parseEvaluators, readJsonFile } from '../runner/suite.js';
import { codeVersion } from '../runner/version.js';
import { BACKENDS, type BackendName, initBackend } from '../tensor/backend.js';
import { intArg, interruptSignal } from './common.js';
import { formatRecordTable } from './format.js';

interface EvaluateFlags {
  train: string;
  holdout: string;
  synthetic: string[];
  reference?: string;
  schema?: string;
  target?: string;
  config?: string;
  out?: string;
  json?: boolean;
  name?: string;
  seed: number;
  backend?: BackendName;
}

function readInput(file: string, what: string): { name: string; text: string } {
  try {
    return { name: file, text: readFileSync(file, 'utf8') };
  } catch {
    throw notFound(`${what} file not found: ${file}; check the path`);
  }
}

export function registerEvaluate(program: Command): void {
  program
    .command('evaluate')
    .description('score synthetic CSV file(s) made anywhere against the real train/holdout files')
    .requiredOption('--train <file>', 'real rows the generator was trained on (members)')
    .requiredOption('--holdout <file>', 'real rows the generator never saw (non-members)')
    .requiredOption('--synthetic <files...>', 'synthetic CSV file(s); each becomes a leaderboard row')
    .option('--reference <file>', "attacker's population sample (enables reference-based attacks)")
    .option('--schema <file>', 'schema override JSON (kinds, roles, target; see docs/data.md#schema-override-file)')
    .option('--target <column>', 'target column for utility metrics (overrides the schema file)')
    .option('--config <file>', 'JSON with "attacks" and/or "metrics" lists ({ "id", "params" } entries); default: all')
    .option('-o, --out <dir>', 'write results.jsonl, manifest.json and report.html here')
    .option('--json', 'print the result records as JSON lines on stdout')
    .option('--name <dataset>', 'dataset name shown in records (default: folder of --train)')
    .option('--seed <n>', 'seed for the attacks and metrics', intArg('--seed'), 0)
    .option('--backend <name>', `force a TensorFlow.js backend (${BACKENDS.join(', ')})`)
    .action(async (flags: EvaluateFlags) => {
      const evaluators = flags.config ? parseEvaluators(readJsonFile(flags.config, 'config'), flags.config) : {};
      const defaults = allEvaluatorEntries();
      const plans = planEvaluators(evaluators.attacks ?? (evaluators.metrics ? [] : defaults.attacks), evaluators.metrics ?? (evaluators.attacks ? [] : defaults.metrics));

      const overrides: SchemaOverrides = flags.schema ? await loadSchemaFile(flags.schema) : {};
      if (flags.target) overrides.target = flags.target;
      const inputs = [
        readInput(flags.train, '--train'),
        readInput(flags.holdout, '--holdout'),
        ...(flags.reference ? [readInput(flags.reference, '--reference')] : []),
        ...flags.synthetic.map((f) => readInput(f, '--synthetic')),
      ];
      const { schema, tables } = tablesFromCsv(inputs, { overrides });
      const [train, holdout] = tables;
      const reference = flags.reference ? tables[2] : undefined;
      const synthetics = tables.slice(flags.reference ? 3 : 2);
      const target = targetColumn(schema)?.name;
      if (flags.target && !target) throw badInput(`--target ${flags.target} is not a column of ${flags.train}`);

      const backend = await initBackend(flags.backend);
      const version = codeVersion();
      const dataset = flags.name ?? (path.basename(path.dirname(path.resolve(flags.train))) || 'external');
      const fingerprint = sha256Hex(inputs.slice(0, flags.reference ? 3 : 2).map((i) => sha256Hex(i.text)).join(''));
      const store = flags.out ? new ResultStore(flags.out) : undefined;
      const configHash = shortHash({ plans: plans.map((p) => [p.type, p.id, p.params]), schema, seed: flags.seed });
      const prev = store?.readManifest();
      const runId = prev?.runId ?? newRunId(configHash);

      const interrupt = interruptSignal();
      const all: ResultRecord[] = [];
      try {
        for (let s = 0; s < synthetics.length; s++) {
          const file = flags.synthetic[s];
          const contentHash = sha256Hex(inputs[inputs.length - synthetics.length + s].text).slice(0, 8);
          const label = path.basename(file).replace(/\.csv$/i, '');
          const stamp: CellStamp = {
            runId,
            cellId: shortHash({ fingerprint, synthetic: contentHash, seed: flags.seed }),
            dataset,
            splitSeed: 0,
            generator: 'external',
            generatorParams: { file: path.basename(file) },
            paramsHash: contentHash,
            generatorLabel: label,
            repetition: 0,
            seed: flags.seed,
            backend: backend.name,
            codeVersion: version,
          };
          for (const plan of plans) {
            if (store?.isDone(workKey(stamp.cellId, evaluatorSource(plan)))) {
              all.push(...store.recordsFor(workKey(stamp.cellId, evaluatorSource(plan))));
              continue;
            }
            process.stderr.write(`${label}: ${plan.type} ${plan.id}\n`);
            const outcome = await runEvaluator(
              plan,
              { schema, train, holdout, reference, synthetic: synthetics[s], signal: interrupt.signal, target },
              flags.seed,
            );
            const recs = outcomeRecords(stamp, outcome);
            store?.append(recs);
            all.push(...recs);
          }
        }
      } finally {
        interrupt.dispose();
      }

      if (store && flags.out) {
        const manifest = createManifest(
          {
            command: 'synthbench evaluate',
            backend: backend.name,
            configHash,
            config: { train: flags.train, holdout: flags.holdout, reference: flags.reference, synthetic: flags.synthetic, evaluators: plans.map((p) => ({ type: p.type, id: p.id, params: p.params })), target },
            seed: flags.seed,
            datasets: { [dataset]: { fingerprint, rows: train.nRows, source: 'files' } },
            cells: { total: synthetics.length, done: synthetics.length, failed: new Set(all.filter((r) => r.status === 'failed' || r.status === 'timed-out').map((r) => r.cellId)).size },
          },
          prev,
        );
        store.writeManifest(manifest);
        const report = await writeReport(flags.out);
        process.stderr.write(`results: ${path.join(flags.out, 'results.jsonl')}\nreport:  ${report}\n`);
      }
      if (flags.json) for (const r of all) process.stdout.write(JSON.stringify(r) + '\n');
      else process.stdout.write(formatRecordTable(all));
    });
}
