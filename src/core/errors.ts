/**
 * User-facing errors. A SynthbenchError carries a one-line message that names the problem
 * and the fix; the CLI prints it without a stack trace (unless --verbose) and exits non-zero.
 * Anything else that escapes is a bug and is reported as such.
 */
export type ErrorCode =
  | 'BAD_INPUT' // malformed file, wrong columns, empty data
  | 'BAD_CONFIG' // invalid suite/schema/policy JSON or CLI flags
  | 'NOT_FOUND' // missing file, unknown dataset/generator/attack/metric id
  | 'CHECKSUM' // downloaded or mirrored file does not match its registered SHA-256
  | 'TIMEOUT' // cell exceeded its time budget
  | 'ABORTED' // interrupted by the user
  | 'UNSUPPORTED'; // the evaluator cannot run on this data (recorded as skipped)

export class SynthbenchError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SynthbenchError';
    this.code = code;
  }
}

export const badInput = (msg: string) => new SynthbenchError('BAD_INPUT', msg);
export const badConfig = (msg: string) => new SynthbenchError('BAD_CONFIG', msg);
export const notFound = (msg: string) => new SynthbenchError('NOT_FOUND', msg);
export const unsupported = (msg: string) => new SynthbenchError('UNSUPPORTED', msg);

/** Throws TIMEOUT/ABORTED if the signal fired; call inside long loops (cooperative cancellation). */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (!signal?.aborted) return;
  const reason = signal.reason;
  if (reason instanceof SynthbenchError) throw reason;
  throw new SynthbenchError('ABORTED', typeof reason === 'string' ? reason : 'interrupted');
}

/** Message of any thrown value, single line. */
export function errorMessage(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.replace(/\s*\n\s*/g, ' ').trim();
}
