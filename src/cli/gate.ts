/**
 * `synthbench gate RESULTS --policy policy.json [--baseline OLD] [--junit FILE] [--markdown FILE]`:
 * apply a release policy to a results directory. Exit 0 when every rule passes, 1 when any fails
 * (or has no value and the policy says missing values fail), 2 for a bad policy or missing input.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { SynthbenchError, errorMessage, notFound } from '../core/errors.js';
import { writeFileAtomic } from '../core/fs.js';
import { evaluateGate } from '../gate/evaluate.js';
import { formatJunit, formatMarkdown, formatTable } from '../gate/format.js';
import { loadPolicy, usesBaseline } from '../gate/policy.js';
import { type ResultRecord, parseRecords } from '../runner/records.js';
import { EXIT } from './main.js';

function readResults(dir: string, what: string): ResultRecord[] {
  const file = path.join(dir, 'results.jsonl');
  if (!existsSync(file)) throw notFound(`${what} ${dir} has no results.jsonl; pass a directory written by \`synthbench run\` or \`merge\``);
  try {
    return parseRecords(readFileSync(file, 'utf8'), file);
  } catch (err) {
    throw new SynthbenchError('BAD_INPUT', errorMessage(err));
  }
}

function write(file: string, text: string, what: string): void {
  try {
    writeFileAtomic(file, text);
  } catch (err) {
    throw new SynthbenchError('NOT_FOUND', `cannot write the ${what} to ${file} (${errorMessage(err)}); check the path`);
  }
}

export function registerGate(program: Command): void {
  program
    .command('gate')
    .description('check a results directory against a policy (thresholds, regressions vs a baseline run); exit 0 pass, 1 fail, 2 error')
    .argument('<results>', 'results directory (results.jsonl)')
    .requiredOption('-p, --policy <file>', 'policy JSON (see docs/gates.md)')
    .option('-b, --baseline <dir>', 'results directory of the baseline run, for ratio and regression checks')
    .option('-g, --generator <ids...>', 'gate only these generators (id or label), e.g. the candidate being released; references such as identity are left out')
    .option('--junit <file>', 'also write JUnit XML (one testcase per rule × dataset × generator)')
    .option('--markdown <file>', 'also write a Markdown summary (for pull-request comments)')
    .action((dir: string, flags: { policy: string; baseline?: string; junit?: string; markdown?: string; generator?: string[] }) => {
      const policy = loadPolicy(flags.policy);
      const needs = policy.rules.findIndex(usesBaseline);
      if (needs >= 0 && !flags.baseline) {
        throw new SynthbenchError('BAD_CONFIG', `rule ${needs} (${policy.rules[needs].measure}) compares with a baseline; pass --baseline OLD_RESULTS_DIR`);
      }
      const only = flags.generator ? new Set(flags.generator) : undefined;
      const keep = (r: ResultRecord) => !only || only.has(r.generator) || only.has(r.generatorLabel);
      const records = readResults(dir, 'results directory').filter(keep);
      if (only && !records.length) throw new SynthbenchError('NOT_FOUND', `no records of generator(s) ${[...only].join(', ')} in ${dir}; check --generator`);
      const baseline = flags.baseline ? readResults(flags.baseline, 'baseline directory').filter(keep) : undefined;
      const result = evaluateGate(policy, records, baseline);
      process.stdout.write(formatTable(result));
      const title = `synthbench gate${policy.name ? `: ${policy.name}` : ''}`;
      if (flags.junit) write(flags.junit, formatJunit(result), 'JUnit XML');
      if (flags.markdown) write(flags.markdown, formatMarkdown(result, title), 'Markdown summary');
      process.exitCode = result.passed ? EXIT.ok : EXIT.fail;
    });
}
