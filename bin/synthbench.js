#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm install` via the prepare script).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  console.error('synthbench: dist/ is missing; run `npm run build` (npm install does it) and try again');
  process.exit(2);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv);
