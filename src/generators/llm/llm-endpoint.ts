/**
 * `llm-endpoint`: synthetic rows from any OpenAI-compatible chat-completions server, prompted with
 * the schema and a few training rows (few-shot tabular prompting; cf. Borisov et al. 2023, GReaT,
 * for rows as text, and the regurgitation risk it measures). `fit` only prepares the prompt (no
 * request); `sample` asks for `rowsPerRequest` rows per request as JSON lines, validates every row
 * (parse.ts), retries short or failed batches a bounded number of times, caps concurrent requests,
 * and records tokens, requests, latency and invalid rows. The few-shot rows are training records
 * sent verbatim to the endpoint: their number is recorded (`exposedTrainRows`) because it is the
 * privacy risk under test. Without a configured endpoint `fit` throws UNSUPPORTED; rows are never faked.
 */
import { z } from 'zod';
import type { Measure } from '../../core/measure.js';
import { SynthbenchError, throwIfAborted, unsupported } from '../../core/errors.js';
import type { Rng } from '../../core/rng.js';
import { Table, allocateColumns } from '../../core/table.js';
import { requireRows, requireSampleSize } from '../common.js';
import type { FittedModel, Generator } from '../types.js';
import { type ChatMessage, EndpointError, chatCompletionsUrl, postChatCompletion, redact } from './client.js';
import { type InvalidReason, compileValidator, parseRows } from './parse.js';
import { type PromptPlan, buildMessages, columnRules, drawExamples } from './prompt.js';
import { forEachLimited, sleep } from './rate-limit.js';

export const ENV_BASE_URL = 'SYNTHBENCH_LLM_BASE_URL';
export const ENV_MODEL = 'SYNTHBENCH_LLM_MODEL';
export const ENV_API_KEY = 'SYNTHBENCH_LLM_API_KEY';

/** Longest wait between retries, whatever the backoff or the server's Retry-After asks for. */
export const MAX_BACKOFF_MS = 30_000;

const API_KEY_IN_PARAMS =
  'do not put the API key in suite params (params are written to results); set SYNTHBENCH_LLM_API_KEY, or name another variable with apiKeyEnv';

export const llmEndpointParams = z
  .object({
    /** Server base URL, e.g. http://127.0.0.1:8080/v1; default: $SYNTHBENCH_LLM_BASE_URL. */
    baseUrl: z.string().min(1).optional(),
    /** Model name sent in each request; default: $SYNTHBENCH_LLM_MODEL. */
    model: z.string().min(1).optional(),
    /** Rejected: a key in params would be recorded with the results. */
    apiKey: z.undefined({ errorMap: () => ({ message: API_KEY_IN_PARAMS }) }).optional(),
    /** Name of the environment variable holding the API key (optional for local servers). */
    apiKeyEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name').default(ENV_API_KEY),
    temperature: z.number().min(0).max(2).default(0.7),
    /** Training rows shown in every prompt (0 = schema only). These rows leave the machine. */
    fewShotRows: z.number().int().min(0).max(500).default(10),
    rowsPerRequest: z.number().int().min(1).max(500).default(20),
    maxConcurrency: z.number().int().min(1).max(64).default(4),
    /** Extra requests per batch after the first, for failed, invalid or short replies. */
    maxRetries: z.number().int().min(0).max(10).default(3),
    timeoutMs: z.number().int().min(1).max(600_000).default(60_000),
    /** Overall request budget for one `sample` call (default: batches × (1 + maxRetries)). */
    maxRequests: z.number().int().positive().optional(),
    /** `max_tokens` sent with each request (default: not sent, the server decides). */
    maxTokens: z.number().int().positive().optional(),
    /** First retry delay; doubles per retry, capped at 30 s; a longer Retry-After wins (same cap). */
    retryDelayMs: z.number().int().min(0).max(MAX_BACKOFF_MS).default(1000),
    /** Accepted numeric range: observed [min, max] widened by this fraction of its width; null = no range check. */
    rangeMargin: z.number().min(0).nullable().default(0.1),
    caseInsensitiveCategories: z.boolean().default(false),
    /** Send a per-request `seed` drawn from the sample rng (servers that honour it become repeatable). */
    sendSeed: z.boolean().default(true),
  })
  .strict();
export type LlmEndpointParams = z.infer<typeof llmEndpointParams>;

/** What one model has spent and seen, summed over its `sample` calls. */
export interface LlmEndpointStats {
  requests: number;
  failedRequests: number;
  promptTokens: number;
  completionTokens: number;
  /** Requests whose reply had no `usage`: their tokens are estimated as characters / 4. */
  estimatedUsageRequests: number;
  validRows: number;
  invalidRows: number;
  invalidByReason: Partial<Record<InvalidReason, number>>;
  /** Valid rows beyond what a request asked for (dropped). */
  surplusRows: number;
  latenciesMs: number[];
}

export interface LlmEndpointModel extends FittedModel {
  sample(n: number, rng: Rng): Promise<Table>;
  /** Distinct training rows sent to the endpoint in prompts (the privacy exposure). */
  readonly exposedTrainRows: number;
  readonly stats: LlmEndpointStats;
  readonly usage: { promptTokens: number; completionTokens: number; requests: number };
  /** One paragraph: endpoint, model, exposure, spend so far (never the key). */
  readonly description: string;
  /** Measures for the runner to record next to its cost measures (see docs/methodology.md, llm-endpoint). */
  measures(): Measure[];
}

function resolveConfig(params: LlmEndpointParams): { url: string; baseUrl: string; model: string; apiKey?: string } {
  const baseUrl = params.baseUrl ?? process.env[ENV_BASE_URL];
  if (!baseUrl) throw unsupported(`llm-endpoint: no endpoint configured; set ${ENV_BASE_URL} or params.baseUrl`);
  const url = chatCompletionsUrl(baseUrl);
  const model = params.model ?? process.env[ENV_MODEL];
  if (!model) throw new SynthbenchError('BAD_CONFIG', `llm-endpoint: no model name; set ${ENV_MODEL} or params.model`);
  const apiKey = process.env[params.apiKeyEnv] || undefined;
  return { url, baseUrl: displayUrl(baseUrl), model, apiKey };
}

/** Origin and path only: query strings and fragments can carry tokens. */
function displayUrl(baseUrl: string): string {
  const u = new URL(baseUrl);
  return `${u.origin}${u.pathname}`.replace(/\/+$/, '');
}

function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

const estimateTokens = (chars: number) => Math.ceil(chars / 4);

export const llmEndpoint = {
  id: 'llm-endpoint',
  family: 'llm',
  summary: 'Rows from an OpenAI-compatible chat-completions server prompted with the schema and few-shot training rows (needs SYNTHBENCH_LLM_BASE_URL).',
  reference: 'Few-shot tabular prompting; rows serialised as text as in Borisov et al. 2023 (GReaT), here JSON lines validated against the schema.',
  paramsSchema: llmEndpointParams,
  async fit(train: Table, params: LlmEndpointParams, ctx): Promise<LlmEndpointModel> {
    const cfg = resolveConfig(params);
    requireRows(train, 'llm-endpoint');
    throwIfAborted(ctx.signal);
    const rules = columnRules(train);
    const plan: PromptPlan = { rules, exampleLines: drawExamples(train, rules, params.fewShotRows, ctx.rng.fork('few-shot')) };
    const validator = compileValidator(rules, { rangeMargin: params.rangeMargin, caseInsensitive: params.caseInsensitiveCategories });
    const schema = train.schema;
    const signal = ctx.signal;
    const exposed = plan.exampleLines.length;
    const stats: LlmEndpointStats = {
      requests: 0,
      failedRequests: 0,
      promptTokens: 0,
      completionTokens: 0,
      estimatedUsageRequests: 0,
      validRows: 0,
      invalidRows: 0,
      invalidByReason: {},
      surplusRows: 0,
      latenciesMs: [],
    };

    /** Collects exactly `k` valid rows for one batch, or throws after the retry bound. */
    async function runBatch(k: number, rng: Rng, stop: AbortSignal, budget: { left: number }): Promise<number[]> {
      const values: number[] = [];
      let got = 0;
      let attempt = 0;
      let last = '';
      let retryAfter = 0;
      const cancel = signal ? AbortSignal.any([signal, stop]) : stop;
      while (got < k) {
        if (attempt > params.maxRetries) {
          throw new SynthbenchError(
            'BAD_INPUT',
            `llm-endpoint: a batch got ${got} of ${k} valid rows in ${attempt} requests (last: ${last}); raise maxRetries, lower rowsPerRequest, or check the endpoint and model`,
          );
        }
        if (budget.left <= 0) {
          throw new SynthbenchError('BAD_INPUT', `llm-endpoint: request budget (maxRequests) spent before all rows were valid (last: ${last}); raise maxRequests`);
        }
        if (attempt > 0) await sleep(Math.min(MAX_BACKOFF_MS, Math.max(params.retryDelayMs * 2 ** (attempt - 1), retryAfter)), cancel);
        retryAfter = 0;
        const need = k - got;
        const r = rng.fork('attempt', attempt);
        const messages: ChatMessage[] = buildMessages(plan, need, r);
        attempt++;
        budget.left--;
        stats.requests++;
        let reply;
        try {
          reply = await postChatCompletion(
            { url: cfg.url, apiKey: cfg.apiKey },
            { model: cfg.model, messages, temperature: params.temperature, maxTokens: params.maxTokens, seed: params.sendSeed ? r.nextUint32() >>> 1 : undefined },
            { timeoutMs: params.timeoutMs, signal: cancel },
          );
        } catch (err) {
          if (!(err instanceof EndpointError)) throw err;
          stats.failedRequests++;
          if (!err.retryable) {
            throw new SynthbenchError('BAD_CONFIG', `llm-endpoint: ${err.message}; check baseUrl, model and the API key variable ${params.apiKeyEnv}`);
          }
          last = err.message;
          retryAfter = err.retryAfterMs ?? 0;
          continue;
        }
        stats.latenciesMs.push(reply.latencyMs);
        if (reply.usage) {
          stats.promptTokens += reply.usage.promptTokens;
          stats.completionTokens += reply.usage.completionTokens;
        } else {
          stats.estimatedUsageRequests++;
          stats.promptTokens += estimateTokens(messages.reduce((s, m) => s + m.content.length, 0));
          stats.completionTokens += estimateTokens(reply.content.length);
        }
        const parsed = parseRows(reply.content, validator, need);
        for (const v of parsed.values) values.push(v);
        got += parsed.valid;
        stats.validRows += parsed.valid;
        stats.invalidRows += parsed.invalid;
        stats.surplusRows += parsed.surplus;
        for (const [why, c] of Object.entries(parsed.reasons)) {
          stats.invalidByReason[why as InvalidReason] = (stats.invalidByReason[why as InvalidReason] ?? 0) + c;
        }
        const reasons = Object.entries(parsed.reasons).map(([why, c]) => `${c} ${why}`).join(', ');
        last = `${parsed.valid} valid of ${need} asked${parsed.invalid ? `, ${parsed.invalid} invalid (${reasons})` : ''}`;
      }
      return values;
    }

    const model: LlmEndpointModel = {
      exposedTrainRows: exposed,
      stats,
      sizeBytes: plan.exampleLines.reduce((s, l) => s + 2 * l.length, 0) + rules.length * 64,
      get usage() {
        return { promptTokens: stats.promptTokens, completionTokens: stats.completionTokens, requests: stats.requests };
      },
      get description() {
        const est = stats.estimatedUsageRequests ? ` (token counts of ${stats.estimatedUsageRequests} replies without usage estimated as characters/4)` : '';
        return redact(
          `llm-endpoint: model "${cfg.model}" at ${cfg.baseUrl}; ${exposed} training rows exposed in every prompt (privacy risk under test); ` +
            `temperature ${params.temperature}, ${params.rowsPerRequest} rows per request, up to ${params.maxConcurrency} concurrent; ` +
            `so far ${stats.requests} requests (${stats.failedRequests} failed), ${stats.validRows} valid and ${stats.invalidRows} invalid rows, ` +
            `${stats.promptTokens} prompt + ${stats.completionTokens} completion tokens${est}`,
          cfg.apiKey,
        );
      },
      measures(): Measure[] {
        const lat = [...stats.latenciesMs].sort((a, b) => a - b);
        const tokens = stats.promptTokens + stats.completionTokens;
        const out: Measure[] = [
          {
            id: 'cost.exposed-train-rows',
            value: exposed,
            units: 'rows',
            direction: 'lower-better',
            note: 'training rows sent verbatim to the endpoint as few-shot examples',
          },
          {
            id: 'cost.requests',
            value: stats.requests,
            units: 'requests',
            direction: 'lower-better',
            details: { failed: stats.failedRequests, estimatedUsage: stats.estimatedUsageRequests },
          },
          {
            id: 'cost.invalid-rows',
            value: stats.invalidRows,
            units: 'rows',
            direction: 'lower-better',
            details: { ...stats.invalidByReason, valid: stats.validRows, surplus: stats.surplusRows },
          },
        ];
        if (stats.validRows > 0) {
          out.push({
            id: 'cost.tokens-per-1k-rows',
            value: (tokens * 1000) / stats.validRows,
            units: 'tokens',
            direction: 'lower-better',
            ...(stats.estimatedUsageRequests ? { note: 'partly estimated as characters/4 (replies without usage)' } : {}),
          });
        }
        if (lat.length) {
          out.push({
            id: 'cost.request-latency-ms',
            value: quantile(lat, 0.5),
            units: 'ms',
            direction: 'lower-better',
            note: 'median over successful requests',
            details: { p95: quantile(lat, 0.95), max: lat[lat.length - 1], count: lat.length },
          });
        }
        return out;
      },
      async sample(n: number, rng: Rng): Promise<Table> {
        requireSampleSize(n, 'llm-endpoint');
        const nBatches = Math.ceil(n / params.rowsPerRequest);
        const budget = { left: params.maxRequests ?? nBatches * (1 + params.maxRetries) };
        const results: number[][] = new Array(nBatches);
        await forEachLimited(nBatches, params.maxConcurrency, async (b, stop) => {
          const k = Math.min(params.rowsPerRequest, n - b * params.rowsPerRequest);
          results[b] = await runBatch(k, rng.fork('batch', b), stop, budget);
        });
        throwIfAborted(signal);
        // Batches are assembled in index order, so the output does not depend on reply timing.
        const out = allocateColumns(schema, n);
        const width = rules.length;
        let i = 0;
        for (const vals of results) {
          for (let r = 0; r < vals.length / width; r++, i++) {
            for (let j = 0; j < width; j++) out[rules[j].index][i] = vals[r * width + j];
          }
        }
        return new Table(schema, out);
      },
    };
    return model;
  },
} satisfies Generator<LlmEndpointParams>;
