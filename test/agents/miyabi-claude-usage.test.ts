import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claudeLayout } from '../helpers/agents/miyabi-claude.js';
import { startModelServer, type ModelServer } from '../helpers/agents/model-server.js';
import { makeProject, until, type TestProject } from '../helpers/project.js';

/**
 * A real Claude Code against a model server whose usage figures are known: its hook names the
 * transcript, and miyabi counts the turn's tokens — cache writes and reads included — for the
 * agent and for the task it was working on.
 */
const RUN = process.env.MIYABI_AGENT_TESTS === '1';
const USAGE = { input_tokens: 1234, output_tokens: 77, cache_creation_input_tokens: 5000, cache_read_input_tokens: 20_000 };

describe.skipIf(!RUN)('token usage from a real Claude Code', () => {
  let server: ModelServer;
  let p: TestProject;

  beforeAll(async () => {
    server = await startModelServer({ reply: 'OK from the test model', usage: USAGE });
    p = makeProject('miyabi-claude-usage');
    await claudeLayout(p, server, 'cu', [['hk', p.root, '        hooks: true\n']]);
    const up = await p.miyabi(['up', '-l', 'claude.yaml', '--detach']);
    expect(up.exitCode, up.stderr).toBe(0);
  }, 11 * 60_000);

  afterAll(async () => {
    await p?.cleanup();
    await server?.close();
  });

  it('counts a task turn’s tokens, cache included, for the agent and the task', async () => {
    await until(async () => (JSON.parse((await p.miyabi(['agents', '--json'])).stdout) as { name: string; state: string }[]).find((a) => a.name === 'hk')?.state === 'idle', 'hk idle', 60_000);
    const add = await p.miyabi(['task', 'add', 'say OK', '--agent', 'hk']);
    expect(add.exitCode, add.stderr).toBe(0);
    const id = add.stdout.trim().split(' ').pop()!;
    const journal = () => readFileSync(join(p.root, '.miyabi', 'journal', 'events.jsonl'), 'utf8');
    await until(() => journal().includes('"type":"usage.recorded"'), 'usage.recorded', 60_000);
    const r = JSON.parse((await p.miyabi(['report', '--json'])).stdout) as {
      agents: { name: string; tokens: Record<string, number>; contextShare: number | null }[];
      usage: { byTask: Record<string, Record<string, number>> };
    };
    const hk = r.agents.find((a) => a.name === 'hk');
    // One main turn with these figures (the title request is not in the transcript).
    expect(hk?.tokens).toEqual({ input: 1234, output: 77, cacheCreation: 5000, cacheRead: 20_000 });
    expect(hk?.contextShare).toBe(Math.round(((1234 + 5000 + 20_000) / 200_000) * 1000) / 1000);
    expect(r.usage.byTask[id]).toMatchObject({ tokens_input: 1234, tokens_output: 77, tokens_cacheCreation: 5000, tokens_cacheRead: 20_000 });
  }, 120_000);
});
