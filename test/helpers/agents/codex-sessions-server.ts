import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A fake OpenAI Responses API on 127.0.0.1 for a real Codex (REAL-AGENTS.md): `POST /v1/responses`
 * (stream) answered with server-sent events. Every request is recorded with its `session-id`
 * header (the conversation id) and its whole `input` (the conversation so far). A new
 * conversation's title request (`x-codex-turn-metadata` says `thread_title`) is answered too, not
 * counted as a turn.
 */
export interface CodexRequest {
  sessionId: string;
  title: boolean;
  /** Every text of the input (the history), joined. */
  history: string;
}

export interface CodexServer {
  readonly url: string;
  turns(): CodexRequest[];
  close(): Promise<void>;
}

interface Item {
  type?: string;
  role?: string;
  content?: { type?: string; text?: string }[] | string;
}

function texts(input: unknown): string {
  if (typeof input === 'string') return input;
  if (!Array.isArray(input)) return '';
  return (input as Item[]).flatMap((i) => (typeof i.content === 'string' ? [i.content] : (i.content ?? []).map((c) => c.text ?? ''))).join('\n');
}

export async function startCodexServer(reply = 'ack'): Promise<CodexServer> {
  const seen: CodexRequest[] = [];
  const sockets = new Set<Socket>();
  let n = 0;
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || !req.url?.startsWith('/v1/responses')) {
        res.writeHead(404).end();
        return;
      }
      let body: { input?: unknown } = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { input?: unknown };
      } catch {
        // recorded as an empty history
      }
      const meta = String(req.headers['x-codex-turn-metadata'] ?? '');
      const title = meta.includes('thread_title');
      seen.push({ sessionId: String(req.headers['session-id'] ?? ''), title, history: texts(body.input) });
      const id = `resp_${++n}`;
      const text = title ? 'Test title' : reply;
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const ev = (type: string, data: object) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
      const item = { id: `msg_${n}`, type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text, annotations: [] }] };
      ev('response.created', { response: { id, object: 'response', status: 'in_progress', output: [] } });
      ev('response.output_item.added', { output_index: 0, item: { ...item, status: 'in_progress', content: [] } });
      ev('response.output_text.delta', { output_index: 0, content_index: 0, item_id: item.id, delta: text });
      ev('response.output_item.done', { output_index: 0, item });
      ev('response.completed', { response: { id, object: 'response', status: 'completed', output: [item], usage: { input_tokens: 1, output_tokens: 1, total_tokens: 2 } } });
      res.end();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    turns: () => seen.filter((s) => !s.title),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
