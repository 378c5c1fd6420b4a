/** Helpers shared by CLI commands: integer flags, interrupt handling, opening the report. */
import { spawn } from 'node:child_process';
import { InvalidArgumentError } from 'commander';
import { SynthbenchError } from '../core/errors.js';

export function intArg(name: string, min = 0) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer ≥ ${min}, got "${v}"`);
    return n;
  };
}

export function positiveNumberArg(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive number, got "${v}"`);
    return n;
  };
}

export function intListArg(name: string) {
  return (v: string): number[] => v.split(',').map((s) => intArg(name)(s.trim()));
}

/**
 * First Ctrl-C aborts cooperatively (finished work is already on disk); a second one exits now.
 */
export function interruptSignal(): { signal: AbortSignal; dispose(): void } {
  const ctrl = new AbortController();
  let count = 0;
  const onSig = () => {
    count++;
    if (count === 1) {
      process.stderr.write('\ninterrupting: finishing nothing new; completed work is saved (Ctrl-C again to quit now)\n');
      ctrl.abort(new SynthbenchError('ABORTED', 'interrupted; run the same command again to resume'));
    } else process.exit(130);
  };
  process.on('SIGINT', onSig);
  process.on('SIGTERM', onSig);
  return {
    signal: ctrl.signal,
    dispose() {
      process.off('SIGINT', onSig);
      process.off('SIGTERM', onSig);
    },
  };
}

/** Open a file in the desktop's default viewer when a person is watching; silently skip otherwise. */
export function openInViewer(file: string): boolean {
  if (!process.stdout.isTTY || process.env.CI) return false;
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'cmd' : 'xdg-open';
  const args = process.platform === 'win32' ? ['/c', 'start', '', file] : [file];
  try {
    const child = spawn(cmd, args, { detached: true, stdio: 'ignore' });
    child.on('error', () => {});
    child.unref();
    return true;
  } catch {
    return false;
  }
}
