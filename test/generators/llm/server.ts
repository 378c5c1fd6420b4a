/** A scriptable OpenAI-compatible chat-completions server on 127.0.0.1 for the llm-endpoint tests. */
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Reply {
  status?: number;
  /** Assistant message content (ignored when `raw` is set). */
  content?: string;
  /** Raw response body instead of a chat-completion JSON. */
  raw?: string;
  usage?: { prompt_tokens: number; completion_tokens: number } | null;
  /** Hold the reply this long (ms); the connection closing cancels it. */
  delayMs?: number;
  headers?: Record<string, string>;
}

export interface SeenRequest {
  authorization?: string;
  body: any;
  /** Rows the prompt asked for ("Generate exactly N"). */
  asked: number;
}

export interface ScriptedServer {
  baseUrl: string;
  requests: SeenRequest[];
  maxActive: number;
  close(): Promise<void>;
}

/**
 * `script(req, index)` decides each reply. `gate`: hold every request until that many are in flight
 * (or 300 ms pass), so the concurrency cap is actually reached when the client allows it.
 */
export async function startServer(script: (req: SeenRequest, index: number) => Reply, opts: { gate?: number } = {}): Promise<ScriptedServer> {
  const state = { requests: [] as SeenRequest[], active: 0, maxActive: 0 };
  const waiters: (() => void)[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      state.active++;
      state.maxActive = Math.max(state.maxActive, state.active);
      let done = false;
      const finish = () => {
        if (!done) (done = true), state.active--;
      };
      res.on('close', finish);
      const body = JSON.parse(data);
      const user = body.messages.find((m: any) => m.role === 'user')?.content ?? '';
      const seen: SeenRequest = { authorization: req.headers.authorization, body, asked: Number(/Generate exactly (\d+)/.exec(user)?.[1] ?? 0) };
      const index = state.requests.push(seen) - 1;
      const reply = script(seen, index);
      const send = () => {
        if (res.destroyed) return;
        const payload =
          reply.raw ?? JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content: reply.content ?? '' } }], ...(reply.usage === null ? {} : { usage: reply.usage ?? { prompt_tokens: 100, completion_tokens: 40 } }) });
        res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
        res.end(payload);
      };
      const go = () => {
        if (!reply.delayMs) return send();
        const t = setTimeout(send, reply.delayMs);
        res.on('close', () => clearTimeout(t));
      };
      if (opts.gate && state.active < opts.gate) {
        const t = setTimeout(go, 300);
        waiters.push(() => (clearTimeout(t), go()));
      } else {
        go();
        while (waiters.length) waiters.shift()!();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests: state.requests,
    get maxActive() {
      return state.maxActive;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
