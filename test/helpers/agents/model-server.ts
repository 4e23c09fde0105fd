import { createServer, type IncomingMessage } from 'node:http';
import { anthropicStream, listenLoopback, type StreamUsage } from './streams.mjs';

/**
 * A fake Anthropic Messages API on 127.0.0.1 (a random port; never any other address) for a real
 * Claude Code to talk to (ANTHROPIC_BASE_URL=server.url).
 *
 * - `HEAD /` → 200 (Claude Code's connectivity probe at start).
 * - `POST /v1/messages?beta=true` → a streamed reply (`text/event-stream`: message_start,
 *   content_block_start, content_block_delta/text_delta, content_block_stop, message_delta with
 *   stop_reason end_turn, message_stop). Anything else → 404.
 * - Every request is recorded. Per submitted turn Claude Code 2.1.197 sends a `main` request
 *   (with its tools) and, for the first turns of a session, a `title` request whose only user
 *   text is `<session>\n{text}\n</session>\n\nWrite the title…`.
 * - `hold()` keeps `main` replies pending (the agent stays busy) until `release()`.
 */
export type RequestKind = 'probe' | 'title' | 'main' | 'other';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  /** The raw body as received. */
  raw: string;
  /** The body parsed as JSON, or undefined. */
  body: MessagesBody | undefined;
  kind: RequestKind;
}

export interface ContentBlock {
  type: string;
  text?: string;
}

export interface MessagesBody {
  model?: string;
  system?: string | ContentBlock[];
  messages?: { role: string; content: string | ContentBlock[] }[];
  tools?: unknown[];
  stream?: boolean;
}

export interface ModelServer {
  readonly url: string;
  readonly port: number;
  requests(): RecordedRequest[];
  /** Per main request: the text of its last user message, Claude Code's reminders removed. */
  turns(): string[];
  /** Per main request: the text blocks of its last user message, reminders removed. */
  turnBlocks(): string[][];
  /** Per title request: the user's text from inside `<session>…</session>`. */
  titles(): string[];
  hold(): void;
  release(): void;
  /** How many main replies are being held. */
  pending(): number;
  /** The text of later replies. */
  setReply(text: string | ((turn: string) => string)): void;
  close(): Promise<void>;
}

/**
 * The exact shape Claude Code 2.1.197 gives a reminder in the user message: a text block of its
 * own, `<system-reminder>\n…\n</system-reminder>\n\n`, before the block holding the user's text.
 * (Other reminders come as separate `role: "system"` messages and are not in the user message.)
 */
export const REMINDER_BLOCK = /^<system-reminder>\n[\s\S]*\n<\/system-reminder>\n\n$/;
const SESSION = /^<session>\n([\s\S]*)\n<\/session>\n\n/;

export function lastUserBlocks(body: MessagesBody | undefined): string[] {
  const users = (body?.messages ?? []).filter((m) => m.role === 'user');
  const last = users[users.length - 1];
  if (!last) return [];
  const blocks = typeof last.content === 'string' ? [{ type: 'text', text: last.content }] : last.content;
  return blocks
    .filter((b): b is ContentBlock & { text: string } => b.type === 'text' && typeof b.text === 'string')
    .map((b) => b.text)
    .filter((t) => !REMINDER_BLOCK.test(t));
}

function classify(method: string, url: string, body: MessagesBody | undefined): RequestKind {
  if (method === 'HEAD' && url === '/') return 'probe';
  if (method !== 'POST' || !/^\/v1\/messages(\?|$)/.test(url) || !body) return 'other';
  const tools = Array.isArray(body.tools) && body.tools.length > 0;
  if (!tools && SESSION.test(lastUserBlocks(body)[0] ?? '')) return 'title';
  return tools ? 'main' : 'other';
}

/** What the server reports a reply cost, as the Messages API does (message_start, then message_delta). */
export type ReplyUsage = StreamUsage;

export async function startModelServer(opts: { reply?: string; usage?: ReplyUsage } = {}): Promise<ModelServer> {
  const recorded: RecordedRequest[] = [];
  const held: (() => void)[] = [];
  let holding = false;
  let reply: string | ((turn: string) => string) = opts.reply ?? 'OK';

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: MessagesBody | undefined;
      try {
        body = raw ? (JSON.parse(raw) as MessagesBody) : undefined;
      } catch {
        body = undefined;
      }
      const method = req.method ?? '';
      const url = req.url ?? '';
      const kind = classify(method, url, body);
      recorded.push({ method, url, headers: req.headers, raw, body, kind });
      const n = recorded.length;
      if (kind === 'probe') {
        res.writeHead(200).end();
      } else if (kind === 'title') {
        anthropicStream(res, n, 'Test session');
      } else if (kind === 'main' || (kind === 'other' && method === 'POST' && url.startsWith('/v1/messages?'))) {
        const turn = lastUserBlocks(body).join('');
        const send = () => {
          if (!res.destroyed) anthropicStream(res, n, typeof reply === 'function' ? reply(turn) : reply, opts.usage);
        };
        if (holding && kind === 'main') held.push(send);
        else send();
      } else {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ type: 'error', error: { type: 'not_found_error', message: url } }));
      }
    });
  });
  const { port, url, close } = await listenLoopback(server);
  const mains = () => recorded.filter((r) => r.kind === 'main');

  return {
    url,
    port,
    requests: () => [...recorded],
    turns: () => mains().map((r) => lastUserBlocks(r.body).join('')),
    turnBlocks: () => mains().map((r) => lastUserBlocks(r.body)),
    titles: () =>
      recorded
        .filter((r) => r.kind === 'title')
        .map((r) => SESSION.exec(lastUserBlocks(r.body)[0] ?? '')?.[1] ?? ''),
    hold: () => {
      holding = true;
    },
    release: () => {
      holding = false;
      for (const send of held.splice(0)) send();
    },
    pending: () => held.length,
    setReply: (text) => {
      reply = text;
    },
    close: async () => {
      holding = false;
      held.splice(0);
      await close();
    },
  };
}
