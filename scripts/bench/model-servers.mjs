// Model servers on 127.0.0.1 for the real-agent bench rows (agents.mjs): the Anthropic Messages
// API for Claude Code and the OpenAI Responses API for Codex, each streaming a short fixed reply
// and recording, per submitted user turn, when it arrived and its text. The test suite has its
// own, fuller ones (test/helpers/agents/model-server.ts, codex-server.ts).
import { createServer } from 'node:http';

/** Starts a server; `kind` is 'anthropic' or 'responses'. turns(): [{ at, text }] per user turn. */
export async function startBenchModelServer(kind) {
  const turns = [];
  const sockets = new Set();
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
        return void anthropicReply(res);
      }
      if (kind === 'responses' && req.method === 'POST' && req.url?.startsWith('/v1/responses')) {
        const meta = String(req.headers['x-codex-turn-metadata'] ?? '');
        if (!meta.includes('thread_title')) turns.push({ at, text: lastResponsesUser(body) });
        return void responsesReply(res, turns.length);
      }
      res.writeHead(404).end();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    turns: () => [...turns],
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
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

function anthropicReply(res) {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const ev = (type, data) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  ev('message_start', { message: { id: 'msg_bench', type: 'message', role: 'assistant', model: 'claude-test', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 1, output_tokens: 1 } } });
  ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
  ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'OK' } });
  ev('content_block_stop', { index: 0 });
  ev('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 1 } });
  ev('message_stop', {});
  res.end();
}

/** The Responses API's stream, as Codex reads it. */
export function responsesReply(res, n, text = 'OK') {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const ev = (type, data) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  const id = `resp_${n}`;
  const item = { type: 'message', id: `msg_${n}`, role: 'assistant', status: 'completed', content: [{ type: 'output_text', text, annotations: [] }] };
  ev('response.created', { response: { id, object: 'response', status: 'in_progress', output: [] } });
  ev('response.output_item.added', { output_index: 0, item: { ...item, status: 'in_progress', content: [] } });
  ev('response.output_text.delta', { output_index: 0, content_index: 0, item_id: item.id, delta: text });
  ev('response.output_item.done', { output_index: 0, item });
  ev('response.completed', { response: { id, object: 'response', status: 'completed', output: [item], usage: { input_tokens: 1, output_tokens: 1, total_tokens: 2 } } });
  res.end();
}
