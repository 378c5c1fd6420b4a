// Copies non-TypeScript assets (Handlebars templates) next to the compiled JS.
import { cpSync, existsSync } from 'node:fs';
const from = new URL('../src/report/templates/', import.meta.url);
const to = new URL('../dist/report/templates/', import.meta.url);
if (existsSync(from)) cpSync(from, to, { recursive: true });
