/** Code version and package versions for the run manifest: every number traces to these. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

let cached: string | undefined;

export function packageVersion(): string {
  return JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version as string;
}

/** `synthbench@<version>+<commit>[-dirty]` when run from a git checkout, else `synthbench@<version>`. */
export function codeVersion(): string {
  if (cached) return cached;
  let v = `synthbench@${packageVersion()}`;
  try {
    const opts = { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] as any, encoding: 'utf8' as const, timeout: 5000 };
    const top = execFileSync('git', ['rev-parse', '--show-toplevel'], opts).trim();
    if (path.resolve(top) === root) {
      const commit = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], opts).trim();
      const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], opts).trim() !== '';
      v += `+${commit}${dirty ? '-dirty' : ''}`;
    }
  } catch {
    // Not a git checkout (installed package): the package version is all there is.
  }
  return (cached = v);
}

const TRACKED = ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-node', 'danfojs-node', 'handlebars', 'zod'];

export function packageVersions(): Record<string, string> {
  const req = createRequire(path.join(root, 'package.json'));
  const out: Record<string, string> = {};
  for (const name of TRACKED) {
    out[name] = installedVersion(req, name) ?? 'not installed';
  }
  return out;
}

/** Version of an installed package, found by resolving its entry and walking up to its package.json. */
function installedVersion(req: NodeRequire, name: string): string | undefined {
  let dir: string;
  try {
    dir = path.dirname(req.resolve(name));
  } catch {
    return undefined;
  }
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
      if (pkg.name === name) return pkg.version;
    } catch {
      // keep walking up
    }
    dir = path.dirname(dir);
  }
  return undefined;
}
