import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claudeLayout } from '../helpers/agents/miyabi-claude.js';
import { startModelServer, type ModelServer } from '../helpers/agents/model-server.js';
import { makeProject, until, type TestProject } from '../helpers/project.js';

/**
 * A real Claude Code in a miyabi session: its state is seen idle at the prompt, busy while the
 * model server holds the reply, waiting for input on a first-run prompt; a task handed to it
 * arrives as one user turn.
 */
const RUN = process.env.MIYABI_AGENT_TESTS === '1';

interface Row {
  name: string;
  state: string;
  signal: string | null;
}

describe.skipIf(!RUN)('agent states and tasks with a real Claude Code', () => {
  let server: ModelServer;
  let p: TestProject;
  const state = async (name: string) => (JSON.parse((await p.miyabi(['agents', '--json'])).stdout) as Row[]).find((a) => a.name === name);
  const seen = (name: string, want: string) => until(async () => ((await state(name))?.state === want ? want : null), `${name} to be ${want}`, 30_000);

  beforeAll(async () => {
    server = await startModelServer({ reply: 'OK from the test model' });
    p = makeProject('miyabi-claude-st');
    // Outside the project: a folder inside a trusted one is trusted too, so Claude asks there.
    const untrusted = `${p.root}-untrusted`;
    mkdirSync(untrusted);
    await claudeLayout(p, server, 'cs', [['cc', p.root], ['newbie', untrusted], ['hk', p.root, '        hooks: true\n']]);
    const up = await p.miyabi(['up', '-l', 'claude.yaml', '--detach']);
    expect(up.exitCode, up.stderr).toBe(0);
  }, 11 * 60_000);

  afterAll(async () => {
    if (p) rmSync(`${p.root}-untrusted`, { recursive: true, force: true, maxRetries: 20, retryDelay: 50 });
    await p?.cleanup();
    await server?.close();
  });

  it('is idle at its prompt, busy while a reply is held, and idle again', async () => {
    await seen('cc', 'idle');
    expect((await state('cc'))?.signal).toBe('screen');
    server.hold();
    expect((await p.miyabi(['send', 'cc', 'think about it', '--wait', '--now'])).stdout).toContain('delivered');
    await seen('cc', 'busy');
    server.release();
    await seen('cc', 'idle');
  }, 120_000);

  it('waits for input on its first-run trust prompt', async () => {
    await seen('newbie', 'waiting-for-input');
  }, 60_000);

  it('with hooks: true, its own hooks report its turns', async () => {
    await seen('hk', 'idle');
    const journal = () => readFileSync(join(p.root, '.miyabi', 'journal', 'events.jsonl'), 'utf8');
    server.hold();
    expect((await p.miyabi(['send', 'hk', 'hello hooks', '--wait'])).stdout).toContain('delivered');
    await seen('hk', 'busy');
    const before = journal().length;
    server.release();
    // The turn's end is reported by Claude's own Stop hook, not read off its screen.
    await until(() => /"agent\.state","payload":\{"name":"hk","state":"idle","signal":"hook"/.test(journal().slice(before)), 'the Stop hook to set hk idle', 60_000);
  }, 120_000);

  it('a task handed to it arrives as one user turn', async () => {
    await seen('cc', 'idle');
    const before = server.turns().length;
    const add = await p.miyabi(['task', 'add', 'list the files here', '--agent', 'cc']);
    expect(add.exitCode, add.stderr).toBe(0);
    const id = add.stdout.trim().split(' ').pop()!;
    await until(() => server.turns().length > before, 'the task to reach the model', 60_000);
    const turns = server.turns().slice(before);
    expect(turns).toHaveLength(1);
    expect(turns[0]).toContain(`task ${id}: list the files here`);
    expect(turns[0]!.split(`task ${id}:`).length).toBe(2);
  }, 120_000);
});
