/**
 * synthbench command line. Commands live one per file and stay thin: parse flags, call the
 * library, print. Errors a user can fix print one line and exit non-zero (2 for bad input or
 * config); a stack trace only with --verbose.
 */
import { Command, CommanderError } from 'commander';
import { SynthbenchError, errorMessage } from '../core/errors.js';
import { packageVersion } from '../runner/version.js';
import { registerDatasets } from './datasets.js';
import { registerEvaluate } from './evaluate.js';
import { registerGate } from './gate.js';
import { registerList } from './list.js';
import { registerMerge } from './merge.js';
import { registerReport } from './report.js';
import { registerRun } from './run.js';

export const EXIT = { ok: 0, fail: 1, usage: 2, interrupted: 130 } as const;

export function buildProgram(): Command {
  const program = new Command('synthbench')
    .description('Benchmark synthetic tabular data: privacy attacks, fidelity, utility, fairness and cost.')
    .version(packageVersion())
    .option('--verbose', 'print stack traces and extra diagnostics')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerRun(program);
  registerEvaluate(program);
  registerReport(program);
  registerGate(program);
  registerMerge(program);
  registerList(program);
  registerDatasets(program);
  return program;
}

/** Runs the CLI; returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  program.configureOutput({ writeErr: (s) => process.stderr.write(s) });
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.ok;
      return EXIT.usage; // commander already printed the message
    }
    const verbose = argv.includes('--verbose');
    if (err instanceof SynthbenchError) {
      process.stderr.write(`synthbench: error: ${errorMessage(err)}\n`);
      if (verbose && err.stack) process.stderr.write(err.stack + '\n');
      return err.code === 'ABORTED' ? EXIT.interrupted : EXIT.usage;
    }
    process.stderr.write(`synthbench: internal error: ${errorMessage(err)} (please report it; rerun with --verbose for the stack trace)\n`);
    if (verbose && err instanceof Error && err.stack) process.stderr.write(err.stack + '\n');
    return EXIT.fail;
  }
}
