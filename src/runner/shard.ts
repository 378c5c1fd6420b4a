/**
 * Deterministic partition of the cell grid for multi-machine runs: shard I of N (0-based) takes
 * the cells whose index in the grid order is ≡ I (mod N). The grid order is a pure function of the
 * suite, so the partition is stable for a fixed suite and N, the shards are disjoint and together
 * cover the grid, and round-robin spreads datasets and generators evenly over machines.
 */
import { badConfig } from '../core/errors.js';

export interface ShardSpec {
  index: number;
  count: number;
}

export function parseShard(text: string): ShardSpec {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) throw badConfig(`--shard must look like I/N (e.g. 0/3), got "${text}"`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1) throw badConfig(`--shard ${text}: N must be at least 1`);
  if (index >= count) throw badConfig(`--shard ${text}: I is 0-based and must be 0..${count - 1}`);
  return { index, count };
}

export function inShard(cellIndex: number, shard: ShardSpec | undefined): boolean {
  return !shard || cellIndex % shard.count === shard.index;
}

export function formatShard(s: ShardSpec): string {
  return `${s.index}/${s.count}`;
}
