import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SynthbenchError } from '../../../src/core/errors.js';
import { parseParams } from '../../../src/core/registry.js';
import { Rng } from '../../../src/core/rng.js';
import { Table } from '../../../src/core/table.js';
import { type LlmEndpointModel, type LlmEndpointParams, llmEndpoint } from '../../../src/generators/llm/llm-endpoint.js';
import { generators } from '../../../src/generators/registry.js';
import { col, fitContext, schemaOf } from '../helpers.js';
import { type Reply, type ScriptedServer, type SeenRequest, startServer } from './server.js';

const KEY = 'sk-test-SECRET-4242';
const KEY_ENV = 'SYNTHBENCH_TEST_LLM_KEY';
const DAY = 86_400_000;

/** 40 training rows: x in [10, 49] (one decimal), age 20–59, colour, flag, a day-resolution date, an id. */
function trainTable(): Table {
  const n = 40;
  const schema = schemaOf(
    col('pid', 'categorical', Array.from({ length: n }, (_, i) => `P${i}`), ['id']),
    col('x', 'continuous'),
    col('age', 'integer'),
    col('colour', 'categorical', ['red', 'green', 'blue']),
    col('flag', 'boolean', ['no', 'yes']),
    col('when', 'datetime'),
  );
  return new Table(schema, [
    Int32Array.from({ length: n }, (_, i) => i),
    Float64Array.from({ length: n }, (_, i) => 10 + i + 0.5),
    Float64Array.from({ length: n }, (_, i) => 20 + i),
    Int32Array.from({ length: n }, (_, i) => i % 3),
    Int32Array.from({ length: n }, (_, i) => i % 2),
    Float64Array.from({ length: n }, (_, i) => Date.UTC(2020, 0, 1) + i * DAY),
  ]);
}

/** A valid row whose x ((100 + serial) / 10, inside the training range) identifies it. */
let serial = 0;
function validRow(): Record<string, unknown> {
  serial++;
  return { x: (100 + serial) / 10, age: 30, colour: 'green', flag: 'yes', when: '2020-01-15' };
}
const lines = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join('\n');
const validLines = (k: number) => {
  const rows = Array.from({ length: k }, validRow);
  return { text: lines(rows), xs: rows.map((r) => r.x as number) };
};

function params(server: ScriptedServer, extra: Record<string, unknown> = {}): LlmEndpointParams {
  return parseParams('generator', 'llm-endpoint', llmEndpoint.paramsSchema, {
    baseUrl: server.baseUrl,
    model: 'test-model',
    apiKeyEnv: KEY_ENV,
    retryDelayMs: 0,
    ...extra,
  });
}

async function fitWith(server: ScriptedServer, extra: Record<string, unknown> = {}): Promise<LlmEndpointModel> {
  return llmEndpoint.fit(trainTable(), params(server, extra), fitContext(7));
}

let server: ScriptedServer | undefined;
beforeEach(() => {
  process.env[KEY_ENV] = KEY;
  serial = 0;
});
afterEach(async () => {
  delete process.env[KEY_ENV];
  await server?.close();
  server = undefined;
});

describe('llm-endpoint generator', () => {
  it('is registered in the llm family and rejects an API key in params', () => {
    expect(generators.get('llm-endpoint').family).toBe('llm');
    const p = parseParams('generator', 'llm-endpoint', llmEndpoint.paramsSchema, {});
    expect(p).toMatchObject({ temperature: 0.7, fewShotRows: 10, rowsPerRequest: 20, maxConcurrency: 4, maxRetries: 3, timeoutMs: 60_000 });
    expect(() => parseParams('generator', 'llm-endpoint', llmEndpoint.paramsSchema, { apiKey: KEY })).toThrow(/params\.apiKey: do not put the API key/);
    try {
      parseParams('generator', 'llm-endpoint', llmEndpoint.paramsSchema, { apiKey: KEY });
    } catch (e) {
      expect((e as Error).message).not.toContain(KEY);
    }
  });

  it('without an endpoint, fit throws UNSUPPORTED with the reason and never samples', async () => {
    const saved = process.env.SYNTHBENCH_LLM_BASE_URL;
    delete process.env.SYNTHBENCH_LLM_BASE_URL;
    try {
      const p = parseParams('generator', 'llm-endpoint', llmEndpoint.paramsSchema, {});
      const err = await llmEndpoint.fit(trainTable(), p, fitContext(1)).catch((e) => e);
      expect(err).toBeInstanceOf(SynthbenchError);
      expect(err.code).toBe('UNSUPPORTED');
      expect(err.message).toBe('llm-endpoint: no endpoint configured; set SYNTHBENCH_LLM_BASE_URL or params.baseUrl');
    } finally {
      if (saved !== undefined) process.env.SYNTHBENCH_LLM_BASE_URL = saved;
    }
  });

  it('fit sends nothing; the prompt holds the schema and exactly fewShotRows training rows, never id columns', async () => {
    server = await startServer((req) => ({ content: validLines(req.asked).text }));
    const model = await fitWith(server, { fewShotRows: 6 });
    expect(server.requests.length).toBe(0);
    expect(model.exposedTrainRows).toBe(6);
    expect(model.description).toContain('6 training rows exposed');
    await model.sample(3, new Rng(1));
    const user: string = server.requests[0].body.messages[1].content;
    const examples = user.split('\n').filter((l) => l.startsWith('{"x"'));
    expect(examples.length).toBe(6);
    const train = trainTable();
    const trainLines = new Set(Array.from({ length: train.nRows }, (_, i) => JSON.stringify({ x: 10 + i + 0.5, age: 20 + i, colour: ['red', 'green', 'blue'][i % 3], flag: ['no', 'yes'][i % 2], when: new Date(Date.UTC(2020, 0, 1) + i * DAY).toISOString().slice(0, 10) })));
    for (const e of examples) expect(trainLines.has(e)).toBe(true);
    expect(user).not.toContain('pid');
    expect(user).toContain('colour: categorical, a string, one of ["red","green","blue"]');
    expect(user).toContain('age: integer, a JSON number without decimals, observed range 20 to 59');
    expect(user).toContain('when: datetime, an ISO 8601 string, observed from 2020-01-01 to 2020-02-09');
    expect(user).toContain('Generate exactly 3 new');
    expect(model.measures().find((m) => m.id === 'cost.exposed-train-rows')?.value).toBe(6);
  });

  it('valid JSON lines: every row kept in batch order, usage summed, key sent only as a Bearer header', async () => {
    const sent: number[][] = [];
    server = await startServer((req, i) => {
      const v = validLines(req.asked);
      sent[i] = v.xs;
      return { content: v.text, usage: { prompt_tokens: 100 + i, completion_tokens: 10 * req.asked } };
    });
    const model = await fitWith(server, { rowsPerRequest: 20, maxConcurrency: 1 });
    const t = await model.sample(45, new Rng(3));
    expect(t.nRows).toBe(45);
    expect(t.names).toEqual(['pid', 'x', 'age', 'colour', 'flag', 'when']);
    expect(server.requests.map((r) => r.asked)).toEqual([20, 20, 5]);
    expect(Array.from(t.numeric('x'))).toEqual(sent.flat());
    expect(Array.from(t.codes('pid')).every((c) => c === -1)).toBe(true);
    expect(t.value(0, 3)).toBe('green');
    expect(t.value(0, 4)).toBe('yes');
    expect(t.numeric('when')[0]).toBe(Date.UTC(2020, 0, 15));
    expect(model.usage).toEqual({ promptTokens: 100 + 101 + 102, completionTokens: 450, requests: 3 });
    for (const r of server.requests) {
      expect(r.authorization).toBe(`Bearer ${KEY}`);
      expect(r.body.model).toBe('test-model');
      expect(r.body.temperature).toBe(0.7);
      expect(JSON.stringify(r.body)).not.toContain(KEY);
    }
    const recorded = JSON.stringify({ p: params(server), d: model.description, m: model.measures(), s: model.stats });
    expect(recorded).not.toContain(KEY);
  });

  it('the output table has the train schema', async () => {
    server = await startServer((req) => ({ content: validLines(req.asked).text }));
    const train = trainTable();
    const model = await llmEndpoint.fit(train, params(server), fitContext(2));
    const t = await model.sample(4, new Rng(1));
    expect(t.schema).toBe(train.schema);
    expect((await model.sample(0, new Rng(1))).nRows).toBe(0);
  });

  it('drops and counts invalid rows (fences, prose, malformed, wrong category, range, keys) and keeps every valid one', async () => {
    const kept: number[] = [];
    server = await startServer((req, i) => {
      if (i === 0) {
        const good = [validRow(), validRow(), validRow()];
        kept.push(...good.map((r) => r.x as number));
        const bad = [
          { ...validRow(), colour: 'purple' },
          { ...validRow(), x: 1e6 },
          { x: 20, age: 30, colour: 'red', flag: 'no' },
          { ...validRow(), age: 30.5 },
          { ...validRow(), extra: 1 },
          { ...validRow(), when: 'March 3rd' },
          { ...validRow(), x: null },
        ];
        const body = [JSON.stringify(good[0]), '{"x": 12, "age": ', JSON.stringify(good[1]), ...bad.map((b) => JSON.stringify(b)), JSON.stringify(good[2])].join('\n');
        return { content: `Here are the rows:\n\`\`\`json\n${body}\n\`\`\`\nHope this helps.` };
      }
      const v = validLines(req.asked);
      kept.push(...v.xs);
      return { content: v.text };
    });
    const model = await fitWith(server, { rowsPerRequest: 5 });
    const t = await model.sample(5, new Rng(4));
    expect(server.requests.map((r) => r.asked)).toEqual([5, 2]);
    expect(Array.from(t.numeric('x'))).toEqual(kept);
    expect(model.stats.invalidRows).toBe(8);
    expect(model.stats.invalidByReason).toEqual({
      'malformed-json': 1,
      'unknown-category': 1,
      'out-of-range': 1,
      'missing-key': 1,
      'not-integer': 1,
      'unknown-key': 1,
      'bad-datetime': 1,
      null: 1,
    });
    expect(model.stats.validRows).toBe(5);
    expect(model.measures().find((m) => m.id === 'cost.invalid-rows')?.value).toBe(8);
  });

  it('accepts a JSON array reply and case-insensitive categories when configured', async () => {
    server = await startServer((req) => ({ content: `[\n${Array.from({ length: req.asked }, () => JSON.stringify({ ...validRow(), colour: ' GREEN ' })).join(',\n')}\n]` }));
    const strict = await fitWith(server, { rowsPerRequest: 4, maxRetries: 0 });
    await expect(strict.sample(4, new Rng(1))).rejects.toThrow(/got 0 of 4 valid rows in 1 requests .*4 unknown-category/);
    const loose = await fitWith(server, { rowsPerRequest: 4, caseInsensitiveCategories: true });
    const t = await loose.sample(4, new Rng(1));
    expect(Array.from(t.codes('colour'))).toEqual([1, 1, 1, 1]);
  });

  it('retries after HTTP 500 and 429 (Retry-After) and keeps going', async () => {
    server = await startServer((req, i) =>
      i === 0 ? { status: 500, raw: '{"error":"overloaded"}' } : i === 1 ? { status: 429, raw: 'slow down', headers: { 'retry-after': '0' } } : { content: validLines(req.asked).text },
    );
    const model = await fitWith(server);
    const t = await model.sample(10, new Rng(1));
    expect(t.nRows).toBe(10);
    expect(model.stats).toMatchObject({ requests: 3, failedRequests: 2, validRows: 10 });
    expect(model.usage).toEqual({ promptTokens: 100, completionTokens: 40, requests: 3 });
  });

  it('an interrupt (cell deadline or Ctrl-C) aborts the request in flight and is not retried', async () => {
    const ctrl = new AbortController();
    server = await startServer(() => {
      setTimeout(() => ctrl.abort(new SynthbenchError('TIMEOUT', 'cell exceeded its 1s timeout')), 0);
      return { delayMs: 10_000, content: 'late' };
    });
    const model = await llmEndpoint.fit(trainTable(), params(server), fitContext(7, ctrl.signal));
    const err = await model.sample(5, new Rng(1)).catch((e) => e);
    expect(err.code).toBe('TIMEOUT');
    expect(server.requests.length).toBe(1);
  });

  it('a request slower than timeoutMs is aborted and retried, then fails after 1 + maxRetries requests', async () => {
    server = await startServer(() => ({ delayMs: 10_000, content: 'late' }));
    const model = await fitWith(server, { timeoutMs: 50, maxRetries: 2 });
    const err = await model.sample(5, new Rng(1)).catch((e) => e);
    expect(err).toBeInstanceOf(SynthbenchError);
    expect(err.message).toMatch(/got 0 of 5 valid rows in 3 requests \(last: request timed out after 50 ms\)/);
    expect(server.requests.length).toBe(3);
    expect(err.message).not.toContain(KEY);
  });

  it('partial batches: the shortfall is asked for again and no valid row is lost', async () => {
    const kept: number[] = [];
    server = await startServer((req) => {
      const v = validLines(Math.min(req.asked, 3));
      kept.push(...v.xs);
      return { content: v.text };
    });
    const model = await fitWith(server, { rowsPerRequest: 5, maxConcurrency: 1 });
    const t = await model.sample(10, new Rng(1));
    expect(server.requests.map((r) => r.asked)).toEqual([5, 2, 5, 2]);
    expect(Array.from(t.numeric('x'))).toEqual(kept);
  });

  it('retries are bounded per batch and by maxRequests', async () => {
    server = await startServer(() => ({ content: 'I cannot help with that.' }));
    const model = await fitWith(server, { rowsPerRequest: 5, maxRetries: 2, maxConcurrency: 1 });
    await expect(model.sample(5, new Rng(1))).rejects.toThrow(/got 0 of 5 valid rows in 3 requests/);
    expect(server.requests.length).toBe(3);
    await server.close();
    server = await startServer((req) => ({ content: validLines(Math.min(req.asked, 2)).text }));
    const capped = await fitWith(server, { rowsPerRequest: 5, maxRequests: 3, maxConcurrency: 1 });
    await expect(capped.sample(10, new Rng(1))).rejects.toThrow(/request budget \(maxRequests\) spent/);
    expect(server.requests.length).toBe(3);
  });

  it('a 401 is not retried and the error never shows the key, even when the server echoes it', async () => {
    server = await startServer((req: SeenRequest) => ({ status: 401, raw: JSON.stringify({ error: `invalid key ${req.authorization}` }) }));
    const model = await fitWith(server);
    const err = await model.sample(5, new Rng(1)).catch((e) => e);
    expect(err.code).toBe('BAD_CONFIG');
    expect(err.message).toContain('HTTP 401');
    expect(err.message).toContain('Bearer ***');
    expect(err.message).not.toContain(KEY);
    expect(server.requests.length).toBe(1);
  });

  it('never has more than maxConcurrency requests in flight', async () => {
    server = await startServer((req): Reply => ({ content: validLines(req.asked).text }), { gate: 3 });
    const model = await fitWith(server, { rowsPerRequest: 2, maxConcurrency: 2 });
    const t = await model.sample(16, new Rng(1));
    expect(t.nRows).toBe(16);
    expect(server.requests.length).toBe(8);
    expect(server.maxActive).toBe(2);
  });

  it('estimates tokens as characters/4 when the reply has no usage, and says so', async () => {
    let content = '';
    server = await startServer((req) => ({ content: (content = validLines(req.asked).text), usage: null }));
    const model = await fitWith(server, { rowsPerRequest: 3 });
    await model.sample(3, new Rng(1));
    const prompt = server.requests[0].body.messages.reduce((s: number, m: { content: string }) => s + m.content.length, 0);
    expect(model.usage).toEqual({ promptTokens: Math.ceil(prompt / 4), completionTokens: Math.ceil(content.length / 4), requests: 1 });
    expect(model.description).toContain('estimated as characters/4');
  });

  it('same seeds, same replies: identical prompts (few-shot order and request seed come from the rngs)', async () => {
    server = await startServer(() => ({ content: lines([{ x: 20, age: 30, colour: 'red', flag: 'no', when: '2020-01-02' }]) }));
    const a = await fitWith(server, { rowsPerRequest: 1, maxConcurrency: 1 });
    await a.sample(2, new Rng(9));
    const b = await fitWith(server, { rowsPerRequest: 1, maxConcurrency: 1 });
    await b.sample(2, new Rng(9));
    const bodies = server.requests.map((r) => JSON.stringify(r.body));
    expect(bodies[2]).toBe(bodies[0]);
    expect(bodies[3]).toBe(bodies[1]);
    expect(bodies[1]).not.toBe(bodies[0]);
  });
});
