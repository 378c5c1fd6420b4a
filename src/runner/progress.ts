/**
 * Progress for multi-cell runs on stderr: a redrawn bar with ETA on a terminal, one line per
 * finished cell otherwise (CI logs). ETA = mean seconds per finished cell × cells left.
 */
export interface RunProgress {
  start(total: number, alreadyDone: number): void;
  cell(index: number, label: string, phase: string): void;
  cellDone(label: string, status: string, seconds: number): void;
  finish(): void;
}

export const silentRunProgress: RunProgress = { start() {}, cell() {}, cellDone() {}, finish() {} };

export function formatDuration(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export function stderrProgress(stream: NodeJS.WriteStream = process.stderr): RunProgress {
  const tty = Boolean(stream.isTTY) && !process.env.CI;
  let total = 0;
  let finished = 0;
  let skipped = 0;
  let spent = 0;
  let current = '';
  const t0 = Date.now();
  const draw = () => {
    if (!tty) return;
    const width = 24;
    const frac = total ? (finished + skipped) / total : 1;
    const bar = '█'.repeat(Math.round(frac * width)).padEnd(width, '░');
    const left = total - finished - skipped;
    const eta = finished ? formatDuration((spent / finished) * left) : '?';
    const line = `${bar} ${finished + skipped}/${total} ETA ${eta}  ${current}`;
    stream.write(`\r\x1b[K${line.slice(0, (stream.columns ?? 100) - 1)}`);
  };
  return {
    start(n, done) {
      total = n;
      skipped = done;
      if (done) stream.write(`resuming: ${done}/${n} cells already done\n`);
      draw();
    },
    cell(i, label, phase) {
      current = `[${i + 1}/${total}] ${label}: ${phase}`;
      draw();
    },
    cellDone(label, status, seconds) {
      finished++;
      spent += seconds;
      if (tty) stream.write('\r\x1b[K');
      stream.write(`${status === 'ok' ? '✓' : '✗'} ${label} (${formatDuration(seconds)})${status === 'ok' ? '' : ` ${status}`}\n`);
      draw();
    },
    finish() {
      if (tty) stream.write('\r\x1b[K');
      stream.write(`${finished} cell(s) run in ${formatDuration((Date.now() - t0) / 1000)}${skipped ? `, ${skipped} reused` : ''}\n`);
    },
  };
}
