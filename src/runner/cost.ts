/**
 * Cost of a cell's generator phase, measured by the runner (never reported by the generator):
 * fit wall time, sample throughput, peak resident memory, model size, and for generators that
 * call a paid service, tokens and an estimated price from the suite's per-1k-token rates.
 * docs/methodology.md (Cost) states the definitions and their limits.
 */
import { resourceUsage } from 'node:process';
import type { Measure } from '../core/measure.js';
import type { FittedModel } from '../generators/types.js';
import type { Suite } from './suite.js';

/** Sampling period of the resident-set-size probe. */
export const RSS_SAMPLE_MS = 50;

/**
 * Peak resident set size over a span of work. A timer samples `process.memoryUsage.rss()` every
 * 50 ms and at each phase end; because timers cannot fire while a synchronous fit blocks the
 * event loop, the kernel's high-water mark (`resourceUsage().maxRSS`) is also read: when it rose
 * during the span, the process peak happened inside the span and is taken. RSS is per process:
 * in worker-thread mode it includes every concurrent worker (the record carries a note).
 */
export class PeakRss {
  private peak = 0;
  private readonly maxRssBefore: number;
  private timer: NodeJS.Timeout | undefined;

  constructor() {
    this.maxRssBefore = resourceUsage().maxRSS * 1024;
    this.probe();
    this.timer = setInterval(() => this.probe(), RSS_SAMPLE_MS);
    this.timer.unref();
  }

  probe(): void {
    const rss = process.memoryUsage.rss();
    if (rss > this.peak) this.peak = rss;
  }

  /** Stops sampling and returns the peak in bytes. */
  stop(): number {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.probe();
    const maxRss = resourceUsage().maxRSS * 1024;
    return maxRss > this.maxRssBefore ? Math.max(this.peak, maxRss) : this.peak;
  }
}

export interface GeneratorCostInput {
  generatorId: string;
  fitMs: number;
  sampleMs: number;
  rows: number;
  peakRssBytes: number;
  model: FittedModel;
  pricing: Suite['pricing'];
  /** Whether other cells ran in the same process at the same time (worker threads). */
  sharedProcess: boolean;
}

export function generatorCostMeasures(c: GeneratorCostInput): Measure[] {
  const out: Measure[] = [
    { id: 'cost.fit-seconds', value: c.fitMs / 1000, units: 's', direction: 'lower-better' },
    { id: 'cost.sample-rows-per-second', value: c.rows / Math.max(c.sampleMs / 1000, 1e-6), units: 'rows/s', direction: 'higher-better' },
    {
      id: 'cost.peak-rss-bytes',
      value: c.peakRssBytes,
      units: 'B',
      direction: 'lower-better',
      ...(c.sharedProcess ? { note: 'process-wide resident memory: includes the other cells running in parallel worker threads' } : {}),
    },
  ];
  if (c.model.sizeBytes !== undefined) out.push({ id: 'cost.model-bytes', value: c.model.sizeBytes, units: 'B', direction: 'lower-better' });
  const u = c.model.usage;
  if (u) {
    const tokens = u.promptTokens + u.completionTokens;
    out.push({ id: 'cost.tokens', value: tokens, units: 'tokens', direction: 'lower-better', details: { promptTokens: u.promptTokens, completionTokens: u.completionTokens, requests: u.requests } });
    const rate = c.pricing?.[c.generatorId];
    if (rate) {
      out.push({
        id: 'cost.estimated-usd',
        value: (u.promptTokens / 1000) * rate.promptPer1k + (u.completionTokens / 1000) * rate.completionPer1k,
        units: 'USD',
        direction: 'lower-better',
        note: `estimate at $${rate.promptPer1k}/1k prompt and $${rate.completionPer1k}/1k completion tokens (suite pricing)`,
      });
      const usd = (u.promptTokens / 1000) * rate.promptPer1k + (u.completionTokens / 1000) * rate.completionPer1k;
      out.push({ id: 'cost.usd-per-1k-rows', value: (usd * 1000) / Math.max(c.rows, 1), units: 'USD', direction: 'lower-better', note: 'estimated price per 1,000 valid synthetic rows' });
    }
  }
  // Measures only the generator can know (e.g. training rows shown to an LLM, request statistics).
  if (c.model.measures) out.push(...c.model.measures());
  if (c.model.privacy) out.push({ id: 'privacy.epsilon', value: c.model.privacy.epsilon, direction: 'lower-better', note: `δ = ${c.model.privacy.delta}` });
  return out;
}
