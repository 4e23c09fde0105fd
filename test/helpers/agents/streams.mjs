// The model APIs' reply streams and a loopback listener, written once for the agents suite's fake
// servers (model-server.ts, codex-server.ts) and the bench's (scripts/bench/model-servers.mjs):
// plain JS so the bench runs it without a build. Types: streams.d.mts.

/** The Anthropic Messages API's streamed reply, as Claude Code reads it. */
export function anthropicStream(res, n, text, usage) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const event = (type, data) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  event('message_start', {
    message: {
      id: `msg_test_${n}`,
      type: 'message',
      role: 'assistant',
      model: 'claude-test',
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: usage ? { ...usage, output_tokens: 1 } : { input_tokens: 1, output_tokens: 1 },
    },
  });
  event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
  event('content_block_delta', { index: 0, delta: { type: 'text_delta', text } });
  event('content_block_stop', { index: 0 });
  event('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: usage?.output_tokens ?? 1 } });
  event('message_stop', {});
  res.end();
}

/** The OpenAI Responses API's streamed reply, as Codex reads it. */
export function responsesStream(res, n, text) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const event = (type, data) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  const id = `resp_test_${n}`;
  const item = { type: 'message', id: `msg_test_${n}`, role: 'assistant', status: 'completed', content: [{ type: 'output_text', text, annotations: [] }] };
  event('response.created', { response: { id, object: 'response', status: 'in_progress', output: [] } });
  event('response.output_item.added', { output_index: 0, item: { ...item, status: 'in_progress', content: [] } });
  event('response.output_text.delta', { output_index: 0, content_index: 0, item_id: item.id, delta: text });
  event('response.output_item.done', { output_index: 0, item });
  event('response.completed', { response: { id, object: 'response', status: 'completed', output: [item], usage: { input_tokens: 1, output_tokens: 1, total_tokens: 2 } } });
  res.end();
}

/**
 * Listens on 127.0.0.1 (a random port; never any other address). close() ends the connections a
 * CLI keeps alive too, so a test's server never outlives it.
 */
export async function listenLoopback(server) {
  const sockets = new Set();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address();
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
