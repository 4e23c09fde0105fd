import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCodexServer, type CodexRequest, type CodexServer } from '../helpers/agents/codex-server.js';
import { ensureCodex } from '../helpers/agents/install.js';
import { makeProject, until, type TestProject } from '../helpers/project.js';
import { agentRow, journal } from '../integration/recovery/helpers.js';

/**
 * Recovery L1 with a real Codex (REAL-AGENTS.md): Codex cannot take a conversation id at launch;
 * miyabi learns the one it chose and restarts it with `codex resume <id>`. Two agents in ONE
 * folder and ONE HOME: each killed, each comes back in its own conversation (the model server sees
 * its earlier turns, under the same session-id header, and none of the neighbour's).
 */
const RUN = process.env.MIYABI_AGENT_TESTS === '1';

function codexHome(p: TestProject, url: string): string {
  const home = join(p.root, '.home');
  mkdirSync(join(home, '.codex'), { recursive: true });
  writeFileSync(join(home, '.codex', 'config.toml'), [
    'model_provider = "mock"',
    'model = "gpt-mock"',
    'check_for_update_on_startup = false',
    'sandbox_mode = "danger-full-access"',
    'approval_policy = "never"',
    '[model_providers.mock]',
    'name = "mock"',
    `base_url = "${url}/v1"`,
    'wire_api = "responses"',
    'env_key = "MOCK_API_KEY"',
    'request_max_retries = 0',
    'stream_max_retries = 0',
    '[tui]',
    'show_tooltips = false',
    '[features]',
    'plugins = false',
    'daemon_auto_start = false',
    '[analytics]',
    'enabled = false',
    '[feedback]',
    'enabled = false',
    `[projects."${p.root}"]`,
    'trust_level = "trusted"',
    '',
  ].join('\n'));
  return home;
}

describe.skipIf(!RUN)('recovery brings a real Codex back in its own conversation', () => {
  let server: CodexServer;
  let p: TestProject;

  async function turn(name: string, text: string): Promise<CodexRequest> {
    const before = server.requests().length;
    const r = await p.miyabi(['send', name, '--from', 'tester', text, '--wait', '--timeout', '60']);
    expect(r.stdout, r.stderr).toMatch(/^delivered /m);
    return until(() => server.requests().slice(before).find((t) => t.history.includes(text)), `the model to see ${text}`, 60_000);
  }

  async function killAndWait(name: string): Promise<void> {
    const before = await until(async () => {
      const row = await agentRow(p, name);
      return row?.alive ? row : null;
    }, `${name} alive`);
    process.kill(before.pid, 'SIGKILL');
    await until(async () => {
      const row = await agentRow(p, name);
      return row && row.alive && row.pid !== before.pid ? row : null;
    }, `${name} back with a new process`, 30_000);
  }

  const conv = (agent: string) => journal(p).filter((r) => r.type === 'recovery.conversation' && r.payload.agent === agent).map((r) => r.payload as { mode: string; sessionId: string | null });

  beforeAll(async () => {
    const codex = await ensureCodex();
    server = await startCodexServer({ reply: 'ack' });
    p = makeProject('miyabi-codex-rec');
    const home = codexHome(p, server.url);
    const env = `        env:\n          HOME: ${JSON.stringify(home)}\n          MOCK_API_KEY: test\n`;
    const pane = (name: string) => `      - role: agent\n        name: ${name}\n        command: [${JSON.stringify(codex)}, --no-daemon]\n${env}`;
    p.write('codex.yaml', `session: cx\nwindows:\n  - name: main\n    panes:\n${pane('xa')}${pane('xb')}`);
    const up = await p.miyabi(['up', '-l', 'codex.yaml', '--detach']);
    expect(up.exitCode, up.stderr).toBe(0);
  }, 11 * 60_000);

  afterAll(async () => {
    await p?.cleanup();
    await server?.close();
  });

  it('two agents in one folder: each id learned, each killed, each resumes its own', async () => {
    // xb speaks first: an id must never go to the agent that merely looked first.
    const b1 = await turn('xb', 'beta remembers bananas');
    const a1 = await turn('xa', 'alpha remembers apples');
    expect(a1.sessionId).not.toBe(b1.sessionId);
    await until(() => conv('xa').find((c) => c.mode === 'learned') && conv('xb').find((c) => c.mode === 'learned'), 'both ids learned', 30_000);
    expect(conv('xa').find((c) => c.mode === 'learned')?.sessionId).toBe(a1.sessionId);
    expect(conv('xb').find((c) => c.mode === 'learned')?.sessionId).toBe(b1.sessionId);

    await killAndWait('xa');
    const a2 = await turn('xa', 'alpha after the kill');
    expect(a2.sessionId).toBe(a1.sessionId);
    expect(a2.history).toContain('alpha remembers apples');
    expect(a2.history).not.toContain('bananas');
    expect(conv('xa').at(-1)).toMatchObject({ mode: 'resume', sessionId: a1.sessionId });

    await killAndWait('xb');
    const b2 = await turn('xb', 'beta after the kill');
    expect(b2.sessionId).toBe(b1.sessionId);
    expect(b2.history).toContain('beta remembers bananas');
    expect(b2.history).not.toContain('apples');
  }, 5 * 60_000);
});
