import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OFFLINE_ENV } from '../helpers/agents/claude-pane.js';
import { ensureClaude } from '../helpers/agents/install.js';
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
    const claude = await ensureClaude();
    server = await startModelServer({ reply: 'OK from the test model' });
    p = makeProject('miyabi-claude-st');
    const home = join(p.root, '.home');
    mkdirSync(home);
    // Outside the project: a folder inside a trusted one is trusted too.
    const untrusted = `${p.root}-untrusted`;
    mkdirSync(untrusted);
    const key = `sk-ant-test-${'k'.repeat(32)}`;
    // The project folder is trusted; the other folder is not, so Claude asks there first.
    writeFileSync(
      join(home, '.claude.json'),
      JSON.stringify({
        hasCompletedOnboarding: true,
        theme: 'dark',
        customApiKeyResponses: { approved: [key.slice(-20)], rejected: [] },
        projects: { [p.root]: { hasTrustDialogAccepted: true } },
      }),
    );
    const env = { HOME: home, ANTHROPIC_API_KEY: key, ANTHROPIC_BASE_URL: server.url, ...OFFLINE_ENV };
    const envYaml = Object.entries(env).map(([k, v]) => `          ${k}: ${JSON.stringify(v)}\n`).join('');
    const pane = (name: string, cwd: string) => `      - role: agent\n        name: ${name}\n        command: [${JSON.stringify(claude)}]\n        cwd: ${cwd}\n        env:\n${envYaml}`;
    p.write('claude.yaml', `session: cs\nwindows:\n  - name: main\n    panes:\n${pane('cc', '.')}${pane('newbie', JSON.stringify(untrusted))}`);
    const up = await p.miyabi(['up', '-l', 'claude.yaml', '--detach']);
    expect(up.exitCode, up.stderr).toBe(0);
  }, 11 * 60_000);

  afterAll(async () => {
    if (p) rmSync(`${p.root}-untrusted`, { recursive: true, force: true });
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
