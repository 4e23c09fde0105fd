import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claudeLayout } from '../helpers/agents/miyabi-claude.js';
import { startModelServer, type ModelServer, type RecordedRequest } from '../helpers/agents/model-server.js';
import { makeProject, until, type TestProject } from '../helpers/project.js';
import { agentRow, journal } from '../integration/recovery/helpers.js';

/**
 * Recovery L1 with a real Claude Code: two agents in ONE folder (same HOME, same project), each
 * killed with SIGKILL, each comes back in its OWN conversation: restarted with `--resume <its id>`
 * (the id it was launched with, kept in the journal), never `--continue` (which takes the folder's
 * newest conversation, maybe the neighbour's). Proof is what the model server sees: the first
 * request after the restart carries the agent's earlier turns and none of the neighbour's.
 */
const RUN = process.env.MIYABI_AGENT_TESTS === '1';

/** Every user text of a request (its whole history), Claude's reminders included. */
const history = (r: RecordedRequest) =>
  (r.body?.messages ?? []).filter((m) => m.role === 'user').flatMap((m) => (typeof m.content === 'string' ? [m.content] : m.content.map((b) => b.text ?? ''))).join('\n');

describe.skipIf(!RUN)('recovery brings a real Claude Code back in its own conversation', () => {
  let server: ModelServer;
  let p: TestProject;
  const mains = () => server.requests().filter((r) => r.kind === 'main');

  /** Sends `text` to `name` and waits until the model has answered that turn. */
  async function turn(name: string, text: string): Promise<RecordedRequest> {
    const before = mains().length;
    const r = await p.miyabi(['send', name, '--from', 'tester', text, '--wait', '--timeout', '60']);
    expect(r.stdout, r.stderr).toMatch(/^delivered /m);
    return until(() => mains().slice(before).find((m) => history(m).includes(text)), `the model to see ${text}`, 60_000);
  }

  /** Kills the agent's process; waits for a new one and for it to be idle at its prompt again. */
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

  const conv = (agent: string) => journal(p).filter((r) => r.type === 'recovery.conversation' && r.payload.agent === agent).map((r) => r.payload as { mode: string; sessionId: string });

  beforeAll(async () => {
    server = await startModelServer({ reply: 'ack' });
    p = makeProject('miyabi-claude-rec');
    await claudeLayout(p, server, 'cr', [['ca', p.root], ['cb', p.root]]);
    const up = await p.miyabi(['up', '-l', 'claude.yaml', '--detach']);
    expect(up.exitCode, up.stderr).toBe(0);
  }, 11 * 60_000);

  afterAll(async () => {
    await p?.cleanup();
    await server?.close();
  });

  it('two agents in one folder, each killed, each resumes its own conversation', async () => {
    await turn('ca', 'alpha remembers apples');
    await turn('cb', 'beta remembers bananas');
    const ids = { ca: conv('ca')[0]?.sessionId, cb: conv('cb')[0]?.sessionId };
    expect(ids.ca).toMatch(/^[0-9a-f-]{36}$/);
    expect(ids.cb).toMatch(/^[0-9a-f-]{36}$/);
    expect(ids.ca).not.toBe(ids.cb);
    // Claude keeps each conversation under the folder's slug; resume only happens when it exists.
    const slug = p.root.replace(/[^a-zA-Z0-9]/g, '-');
    expect(existsSync(join(p.root, '.home', '.claude', 'projects', slug, `${ids.ca}.jsonl`))).toBe(true);

    // cb spoke last: `--continue` would have handed its conversation to ca.
    await killAndWait('ca');
    const a = await turn('ca', 'alpha after the kill');
    expect(history(a)).toContain('alpha remembers apples');
    expect(history(a)).not.toContain('beta remembers bananas');
    expect(conv('ca').at(-1)).toMatchObject({ mode: 'resume', sessionId: ids.ca });

    await killAndWait('cb');
    const b = await turn('cb', 'beta after the kill');
    expect(history(b)).toContain('beta remembers bananas');
    expect(history(b)).not.toContain('alpha');
    expect(conv('cb').at(-1)).toMatchObject({ mode: 'resume', sessionId: ids.cb });

    // The panes' command lines: --resume with each one's id, never --continue.
    // (each pane runs a script miyabi wrote for its command)
    const script = (name: string) => readFileSync(join(p.root, '.miyabi', 'run', 'panes', `cr.${name}.sh`), 'utf8');
    const cmds = script('ca') + script('cb');
    expect(cmds).toContain(`'--resume' '${ids.ca}'`);
    expect(cmds).toContain(`'--resume' '${ids.cb}'`);
    expect(cmds).not.toContain('--continue');
    const trail = journal(p).filter((r) => r.type === 'recovery.succeeded').map((r) => `${String(r.payload.agent)}:L${String(r.payload.level)}`);
    expect(trail).toEqual(expect.arrayContaining(['ca:L1', 'cb:L1']));
  }, 5 * 60_000);

  it('the tmux server killed under a live controller: the session is built again (L2) and each resumes its own', async () => {
    const ids = { ca: conv('ca')[0]!.sessionId, cb: conv('cb')[0]!.sessionId };
    const pid = p.controllerPid();
    p.tmux.tmux('kill-server');
    const a = await turn('ca', 'alpha after kill-server');
    expect(history(a)).toContain('alpha remembers apples');
    expect(history(a)).not.toContain('bananas');
    const b = await turn('cb', 'beta after kill-server');
    expect(history(b)).toContain('beta remembers bananas');
    expect(history(b)).not.toContain('apples');
    expect(conv('ca').at(-1)).toMatchObject({ mode: 'resume', sessionId: ids.ca });
    expect(p.controllerPid()).toBe(pid);
  }, 5 * 60_000);

  it('the controller and the tmux server killed, then `up` (as after a reboot): each resumes its own again', async () => {
    const ids = { ca: conv('ca')[0]!.sessionId, cb: conv('cb')[0]!.sessionId };
    const pid = p.controllerPid()!;
    process.kill(-pid, 'SIGKILL');
    p.tmux.tmux('kill-server');
    await until(() => { try { process.kill(pid, 0); return false; } catch { return true; } }, 'the controller gone');
    const up = await p.miyabi(['up', '-l', 'claude.yaml', '--detach']);
    expect(up.exitCode, up.stderr).toBe(0);
    const a = await turn('ca', 'alpha after the crash');
    expect(history(a)).toContain('alpha remembers apples');
    expect(history(a)).not.toContain('bananas');
    const b = await turn('cb', 'beta after the crash');
    expect(history(b)).toContain('beta remembers bananas');
    expect(history(b)).not.toContain('apples');
    expect(conv('ca').at(-1)).toMatchObject({ mode: 'resume', sessionId: ids.ca });
    expect(conv('cb').at(-1)).toMatchObject({ mode: 'resume', sessionId: ids.cb });
  }, 5 * 60_000);

  it('after `down`, `up` starts new conversations', async () => {
    const old = conv('ca').at(-1)!.sessionId;
    expect((await p.miyabi(['down'])).exitCode).toBe(0);
    const up = await p.miyabi(['up', '-l', 'claude.yaml', '--detach']);
    expect(up.exitCode, up.stderr).toBe(0);
    const a = await turn('ca', 'alpha fresh start');
    expect(history(a)).not.toContain('apples');
    expect(conv('ca').at(-1)).toMatchObject({ mode: 'new' });
    expect(conv('ca').at(-1)!.sessionId).not.toBe(old);
  }, 5 * 60_000);
});
