// Model servers on 127.0.0.1 for the real-agent bench rows (agents.mjs): the Anthropic Messages
// API for Claude Code and the OpenAI Responses API for Codex, each streaming a short fixed reply
// and recording, per submitted user turn, when it arrived and its text. The test suite has its
// own, fuller ones (test/helpers/agents/model-server.ts, codex-server.ts); the streams are shared.
import { createServer } from 'node:http';
import { anthropicStream, listenLoopback, responsesStream } from '../../test/helpers/agents/streams.mjs';

/** Starts a server; `kind` is 'anthropic' or 'responses'. turns(): [{ at, text }] per user turn. */
export async function startBenchModelServer(kind) {
  const turns = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const at = Date.now();
      let body;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
      } catch {
        body = undefined;
      }
      if (req.method === 'HEAD') return void res.writeHead(200).end();
      if (kind === 'anthropic' && req.method === 'POST' && req.url?.startsWith('/v1/messages')) {
        if (Array.isArray(body?.tools) && body.tools.length > 0) turns.push({ at, text: lastAnthropicUser(body) });
        return void anthropicStream(res, turns.length, 'OK');
      }
      if (kind === 'responses' && req.method === 'POST' && req.url?.startsWith('/v1/responses')) {
        const meta = String(req.headers['x-codex-turn-metadata'] ?? '');
        if (!meta.includes('thread_title')) turns.push({ at, text: lastResponsesUser(body) });
        return void responsesStream(res, turns.length, 'OK');
      }
      res.writeHead(404).end();
    });
  });
  const { url, close } = await listenLoopback(server);
  return { url, turns: () => [...turns], close };
}

function lastAnthropicUser(body) {
  const users = (body?.messages ?? []).filter((m) => m.role === 'user');
  const c = users.at(-1)?.content ?? '';
  if (typeof c === 'string') return c;
  return c.filter((b) => b.type === 'text' && !b.text.startsWith('<system-reminder>')).map((b) => b.text).join('');
}

function lastResponsesUser(body) {
  const users = (body?.input ?? []).filter((m) => m.role === 'user');
  const c = users.at(-1)?.content ?? '';
  if (typeof c === 'string') return c;
  return c.filter((p) => p.type === 'input_text').map((p) => p.text).join('');
}
