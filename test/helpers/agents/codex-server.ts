import { createServer } from 'node:http';
import { listenLoopback, responsesStream } from './streams.mjs';

/**
 * A fake OpenAI Responses API on 127.0.0.1 for a real Codex (config `base_url = <url>/v1`,
 * `wire_api = "responses"`), as ../shared/REAL-AGENTS.md describes it:
 *
 * - each submitted prompt is one `POST /v1/responses` whose `input` ends with the prompt as a user
 *   message of `input_text` parts; the reply is streamed (response.created, output_item.added,
 *   output_text.delta, output_item.done, response.completed).
 * - A new conversation also asks for a title (`x-codex-turn-metadata` says `thread_title`):
 *   answered at once, not counted as a turn.
 * - `hold()` keeps turn replies pending (Codex stays busy) until `release()`. Codex steers a
 *   running turn with a prompt submitted meanwhile: it cancels the request and sends a new one
 *   with both, so a turn's `input` may end with more than one user message (`turnUsers`).
 * - `requests()` gives each turn's `session-id` header (the conversation id) and its whole input
 *   (the conversation so far), for the recovery tests: a resumed agent must send its own.
 */
export interface CodexRequest {
  sessionId: string;
  /** Every text of the input (the history), joined. */
  history: string;
}

export interface CodexServer {
  readonly url: string;
  /** Per turn request: the text of its last user message. */
  turns(): string[];
  /** Per turn request: every user message's text, in order. */
  turnUsers(): string[][];
  requests(): CodexRequest[];
  hold(): void;
  release(): void;
  pending(): number;
  close(): Promise<void>;
}

interface InputItem {
  type?: string;
  role?: string;
  content?: string | { type: string; text?: string }[];
}

function userTexts(body: { input?: InputItem[] } | undefined): string[] {
  return (body?.input ?? [])
    .filter((m) => m.role === 'user' && (m.type === undefined || m.type === 'message'))
    .map((m) => (typeof m.content === 'string' ? m.content : (m.content ?? []).filter((p) => p.type === 'input_text').map((p) => p.text ?? '').join('')));
}

function allTexts(body: { input?: InputItem[] }): string {
  return (body.input ?? []).flatMap((m) => (typeof m.content === 'string' ? [m.content] : (m.content ?? []).map((p) => p.text ?? ''))).join('\n');
}

export async function startCodexServer(opts: { reply?: string } = {}): Promise<CodexServer> {
  const bodies: { input?: InputItem[] }[] = [];
  const sessions: string[] = [];
  const held: (() => void)[] = [];
  let holding = false;
  let n = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || !(req.url ?? '').startsWith('/v1/responses')) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found"}}');
        return;
      }
      let body: { input?: InputItem[] } | undefined;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { input?: InputItem[] };
      } catch {
        body = undefined;
      }
      const k = ++n;
      if (String(req.headers['x-codex-turn-metadata'] ?? '').includes('thread_title')) return responsesStream(res, k, 'Test title');
      bodies.push(body ?? {});
      sessions.push(String(req.headers['session-id'] ?? ''));
      const send = () => {
        if (!res.destroyed) responsesStream(res, k, opts.reply ?? 'OK from the test model');
      };
      if (holding) held.push(send);
      else send();
    });
  });
  const { url, close } = await listenLoopback(server);
  return {
    url,
    turns: () => bodies.map((b) => userTexts(b).at(-1) ?? ''),
    turnUsers: () => bodies.map(userTexts),
    requests: () => bodies.map((b, i) => ({ sessionId: sessions[i] ?? '', history: allTexts(b) })),
    hold: () => {
      holding = true;
    },
    release: () => {
      holding = false;
      for (const send of held.splice(0)) send();
    },
    pending: () => held.length,
    close: async () => {
      holding = false;
      held.splice(0);
      await close();
    },
  };
}
