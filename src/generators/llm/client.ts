/**
 * Minimal client for the OpenAI-compatible chat-completions protocol (POST {baseUrl}/chat/completions,
 * reply `{ choices: [{ message: { content } }], usage: { prompt_tokens, completion_tokens } }`), as
 * served by OpenAI, vLLM, llama.cpp's server, Ollama and others. One request, one reply: retries,
 * budgets and concurrency are the caller's. The API key travels only in the Authorization header;
 * every message built here is passed through `redact` so the key never reaches an error or a log.
 */
import { SynthbenchError, throwIfAborted } from '../../core/errors.js';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  temperature: number;
  maxTokens?: number;
  seed?: number;
}

export interface ChatReply {
  content: string;
  /** Token counts from the reply's `usage` field, when the server sent them. */
  usage?: { promptTokens: number; completionTokens: number };
  latencyMs: number;
}

export interface Endpoint {
  /** Full URL of the chat-completions route. */
  url: string;
  apiKey?: string;
}

/** A failed request. `retryable`: timeouts, network errors, HTTP 408/409/429/5xx and unreadable replies. */
export class EndpointError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
    /** Server's Retry-After, in ms, when it sent one. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'EndpointError';
  }
}

/** `{baseUrl}/chat/completions`; rejects credentials embedded in the URL (they would be recorded). */
export function chatCompletionsUrl(baseUrl: string): string {
  let u: URL;
  try {
    u = new URL(baseUrl);
  } catch {
    throw new SynthbenchError('BAD_CONFIG', `llm-endpoint: baseUrl "${baseUrl}" is not a URL; use e.g. http://127.0.0.1:8080/v1`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new SynthbenchError('BAD_CONFIG', `llm-endpoint: baseUrl must be http(s), got ${u.protocol}`);
  if (u.username || u.password) {
    throw new SynthbenchError('BAD_CONFIG', 'llm-endpoint: baseUrl contains credentials; remove them and set the API key in SYNTHBENCH_LLM_API_KEY');
  }
  return `${baseUrl.replace(/\/+$/, '')}/chat/completions`;
}

/** Replaces every occurrence of the secret (when set) with `***`. */
export function redact(text: string, secret: string | undefined): string {
  return secret ? text.split(secret).join('***') : text;
}

function retryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const s = Number(header);
  if (Number.isFinite(s) && s >= 0) return s * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function snippet(body: string): string {
  const one = body.replace(/\s+/g, ' ').trim();
  return one.length > 200 ? `${one.slice(0, 200)}…` : one;
}

/**
 * Sends one chat-completion request. `signal` is the caller's cancellation (deadline, user
 * interrupt): when it fires, its own error is thrown (never retried). `timeoutMs` bounds this one
 * request, headers and body; exceeding it is a retryable EndpointError.
 */
export async function postChatCompletion(ep: Endpoint, req: ChatRequest, opts: { timeoutMs: number; signal?: AbortSignal }): Promise<ChatReply> {
  throwIfAborted(opts.signal);
  const timer = new AbortController();
  const timeout = setTimeout(() => timer.abort(), opts.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([timer.signal, opts.signal]) : timer.signal;
  const body: Record<string, unknown> = { model: req.model, messages: req.messages, temperature: req.temperature, stream: false };
  if (req.maxTokens !== undefined) body.max_tokens = req.maxTokens;
  if (req.seed !== undefined) body.seed = req.seed;
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (ep.apiKey) headers.authorization = `Bearer ${ep.apiKey}`;
  const t0 = performance.now();
  let status = 0;
  let text: string;
  let retryAfter: number | undefined;
  try {
    const res = await fetch(ep.url, { method: 'POST', headers, body: JSON.stringify(body), signal });
    status = res.status;
    retryAfter = retryAfterMs(res.headers.get('retry-after'));
    text = await res.text();
  } catch (err) {
    throwIfAborted(opts.signal);
    if (timer.signal.aborted) throw new EndpointError(`request timed out after ${opts.timeoutMs} ms`, true);
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (err as Error).message;
    throw new EndpointError(redact(`request failed (${why})`, ep.apiKey), true);
  } finally {
    clearTimeout(timeout);
  }
  const latencyMs = performance.now() - t0;
  if (status < 200 || status > 299) {
    throw new EndpointError(redact(`HTTP ${status}: ${snippet(text)}`, ep.apiKey), retryableStatus(status), status, retryAfter);
  }
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    throw new EndpointError(redact(`reply is not JSON: ${snippet(text)}`, ep.apiKey), true, status);
  }
  const content = json?.choices?.[0]?.message?.content;
  if (typeof content !== 'string') throw new EndpointError('reply has no choices[0].message.content string', true, status);
  const u = json.usage;
  const usage =
    u && Number.isFinite(u.prompt_tokens) && Number.isFinite(u.completion_tokens)
      ? { promptTokens: Number(u.prompt_tokens), completionTokens: Number(u.completion_tokens) }
      : undefined;
  return { content, usage, latencyMs };
}
