import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeProject, until, type TestProject } from '../../helpers/project.js';

const FAKE = join(import.meta.dirname, '..', '..', 'fixtures', 'fake-agent.mjs');

let p: TestProject | undefined;
afterEach(async () => {
  await p?.cleanup();
  p = undefined;
});

interface Row {
  name: string;
  state: string;
  signal: string | null;
  pid: number;
}

async function stateOf(t: TestProject, name: string): Promise<Row | undefined> {
  const r = await t.miyabi(['agents', '--json']);
  return (JSON.parse(r.stdout) as Row[]).find((a) => a.name === name);
}

describe('agent states in a running session', () => {
  it('a scripted agent is seen idle, busy, idle again, waiting for input, and dead', async () => {
    p = makeProject();
    p.write(
      'l.yaml',
      `session: st\nrecovery: {enabled: false}\nwindows:\n  - name: main\n    panes:\n      - role: agent\n        name: fa\n        command: [node, ${JSON.stringify(FAKE)}]\n        profile: claude\n        messages: {header: false}\n`,
    );
    expect((await p.miyabi(['up', '-l', 'l.yaml', '--detach'])).exitCode).toBe(0);
    const seen = async (state: string) => until(async () => ((await stateOf(p!, 'fa'))?.state === state ? state : null), `fa to be ${state}`, 20_000);
    await seen('idle');
    expect((await stateOf(p, 'fa'))?.signal).toBe('screen');
    expect((await p.miyabi(['send', 'fa', 'work 2500', '--wait'])).exitCode).toBe(0);
    await seen('busy');
    await seen('idle');
    expect((await p.miyabi(['send', 'fa', 'ask', '--wait'])).exitCode).toBe(0);
    await seen('waiting-for-input');
    process.kill((await stateOf(p, 'fa'))!.pid, 'SIGKILL');
    await seen('dead');
    const journal = (await import('node:fs')).readFileSync(join(p.root, '.miyabi', 'journal', 'events.jsonl'), 'utf8');
    expect(journal).toMatch(/"agent\.state","payload":\{"name":"fa","state":"waiting-for-input","signal":"screen"/);
  }, 60_000);

  it("an agent CLI's hook (miyabi hook) decides its state before its screen does", async () => {
    p = makeProject();
    p.write(
      'l.yaml',
      `session: hk\nwindows:\n  - name: main\n    panes:\n      - role: agent\n        name: fa\n        command: [node, ${JSON.stringify(FAKE)}]\n        profile: claude\n`,
    );
    expect((await p.miyabi(['up', '-l', 'l.yaml', '--detach'])).exitCode).toBe(0);
    await until(async () => ((await stateOf(p!, 'fa'))?.state === 'idle' ? true : null), 'fa idle', 20_000);
    expect((await p.miyabi(['hook', 'prompt-submit'], { env: { MIYABI_AGENT: 'fa' } })).exitCode).toBe(0);
    const row = await until(async () => {
      const r = await stateOf(p!, 'fa');
      return r?.state === 'busy' ? r : null;
    }, 'the hook to make fa busy');
    expect(row.signal).toBe('hook');
  }, 60_000);

  it("reads an agent's state with the layout's own profile file, and refuses a broken one before building anything", async () => {
    p = makeProject();
    p.write(
      'mine.json',
      JSON.stringify({
        name: 'mine',
        commands: [],
        scanLines: 3,
        timings: { startupGraceMs: 0, idleAfterMs: 1000, unresponsiveAfterMs: 600000, hookHoldMs: 0 },
        patterns: { ready: ['READY$'], busy: [], waiting: ['PLEASE ANSWER$'], rateLimited: [] },
      }),
    );
    p.write('l.yaml', 'session: pf\nwindows:\n  - name: main\n    panes:\n      - role: agent\n        name: m\n        command: sh -c "echo PLEASE ANSWER; sleep 3600"\n        states: mine.json\n');
    expect((await p.miyabi(['up', '-l', 'l.yaml', '--detach'])).exitCode).toBe(0);
    const row = await until(async () => {
      const r = await stateOf(p!, 'm');
      return r?.state === 'waiting-for-input' ? r : null;
    }, 'm to wait for input, by its own pattern');
    expect(row.signal).toBe('screen');
    expect((await p.miyabi(['down'])).exitCode).toBe(0);
    p.write('mine.json', '{"name": "mine", "patterns": 7}');
    const bad = await p.miyabi(['up', '-l', 'l.yaml', '--detach']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/agent m: its state profile .*mine\.json/);
    expect(() => p!.tmux.tmux('has-session', '-t', '=pf')).toThrow();
  }, 60_000);

  it('refuses hooks: true for an agent that is not Claude Code: no session is built', async () => {
    p = makeProject();
    p.write('l.yaml', 'session: hk\nwindows:\n  - name: main\n    panes:\n      - role: agent\n        name: x\n        command: [sleep, "3600"]\n        hooks: true\n');
    const r = await p.miyabi(['up', '-l', 'l.yaml', '--detach']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('hooks are installed for Claude Code and Codex only');
    expect(() => p!.tmux.tmux('has-session', '-t', '=hk')).toThrow();
  });
});
