/**
 * A registry per plugin family (generators, attacks, metrics, datasets): lookup by id with a
 * one-line error that lists the known ids, and parameter validation through each plugin's zod
 * schema so a bad `params` entry names the offending field.
 */
import type { z } from 'zod';
import { badConfig, notFound } from './errors.js';

export interface Plugin {
  id: string;
  summary: string;
}

export class Registry<T extends Plugin> {
  private readonly items = new Map<string, T>();
  constructor(readonly kind: string) {}

  register(item: T): void {
    if (this.items.has(item.id)) throw new Error(`${this.kind} "${item.id}" registered twice`);
    this.items.set(item.id, item);
  }

  has(id: string): boolean {
    return this.items.has(id);
  }

  get(id: string): T {
    const item = this.items.get(id);
    if (!item) throw notFound(`unknown ${this.kind} "${id}"; known ${this.kind}s: ${[...this.items.keys()].join(', ')} (see \`synthbench list\`)`);
    return item;
  }

  list(): T[] {
    return [...this.items.values()];
  }
}

/** Validate plugin params with its schema; the error names the plugin and the field. */
export function parseParams<P>(kind: string, id: string, schema: z.ZodType<P, z.ZodTypeDef, unknown>, raw: unknown): P {
  const r = schema.safeParse(raw ?? {});
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const path = issue.path.length ? issue.path.join('.') : '(params)';
  throw badConfig(`${kind} "${id}": params.${path}: ${issue.message}; fix the value in the suite/config (see \`synthbench list --${kind}s\`)`);
}
