import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusResult } from '../../../src/ipc/protocol.js';
import { makeProject, until, type TestProject } from '../../helpers/project.js';

/**
 * Delivery into a full-screen program that takes input the hard ways AI CLIs do
 * (test/fixtures/tui-agent.mjs): a paste window that turns an early Enter into a newline, an
 * echo drawn with cursor moves, an input box above a footer (the cursor line is blank), a
 * placeholder for a long paste, and stalls. Each message is submitted exactly once and reported
 * so, or reported not delivered: never a false "submitted", never a second paste.
 */
const BIN = join(import.meta.dirname, '..', '..', '..', 'bin', 'miyabi.js');
const TUI = join(import.meta.dirname, '..', '..', 'fixtures', 'tui-agent.mjs');

let p: TestProject;
let st: StatusResult;
const rec = (f: string) => join(p.root, 'rec', f);
const turns = (name: string): string[] => {
  const f = rec(`${name}.jsonl`);
  if (!existsSync(f)) return [];
  return readFileSync(f, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { turn: string }).turn);
};
const journal = () =>
  readFileSync(join(p.root, '.miyabi', 'journal', 'events.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { type: string; payload?: Record<string, unknown> });
const paneOf = (name: string) => st.panes.find((x) => x.name === name)!.paneId;
const screen = (name: string) => p.tmux.tmux('capture-pane', '-p', '-t', paneOf(name));

async function send(to: string, text: string, timeout = 60): Promise<{ out: string; code: number; id: string }> {
  const r = await p.miyabi(['send', to, '--stdin', '--wait', '--json', '--timeout', String(timeout)], { input: text });
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { state: string; id: string; short: string; outcome?: string });
  const last = lines[lines.length - 1]!;
  return { out: `${last.state} (${last.outcome ?? ''})`, code: r.exitCode, id: last.short };
}
const header = (id: string) => `[from user #${id}] `;

function agent(name: string, args: string[], extra = ''): string {
  const argv = JSON.stringify(['node', TUI, `rec/${name}.jsonl`, ...args]);
  // A window each: the whole 80×24 screen, as an agent usually has.
  return `  - name: w-${name}\n    panes:\n      - role: agent\n        name: ${name}\n        command: ${argv}\n${extra}`;
}

beforeAll(async () => {
  p = makeProject();
  const { mkdirSync } = await import('node:fs');
  mkdirSync(join(p.root, 'rec'));
  const panes = [
    // A Codex-like screen under the codex profile, with a paste window longer than its submit delay.
    // Its first Enter after each paste is always eaten: on a loaded machine (a CI run) the first key
    // came more than 500 ms after the paste, past the window, and nothing was learned.
    agent('known', ['--paste-window', '500', '--eat-enters', '1', '--placeholder', '1000', '--stall-file', 'rec/known.stall'], '        profile: codex\n'),
    agent('limit', ['--stall', '4000'], '        profile: codex\n        messages:\n          read_limit_ms: 1500\n'),
    // No profile: miyabi would guess a shell's; it sees the alternate screen instead.
    agent('unknown', ['--paste-window', '600']),
    // Its screen lags (the sent text stays drawn 20 s), but its own hook says what it took.
    agent('hooked', ['--hook', BIN, '--stale', '20000', '--work', '0'], '        profile: codex\n'),
    // Takes its first Enter after 1 s of `Waiting for startup`, each later one 700 ms after
    // drawing its footer again unchanged.
    agent('slow', ['--startup-wait', '1000', '--slow-submit', '700', '--work', '0'], '        profile: codex\n'),
    // Claude Code runs a leading `!` or `/`: with no header, such text is refused at `send`.
    agent('bare', [], '        profile: claude\n        messages:\n          header: false\n'),
  ].join('');
  p.write('tui.yaml', `session: tui\nwindows:\n${panes}`);
  const r = await p.miyabi(['up', '-l', 'tui.yaml', '--json']);
  if (r.exitCode !== 0) throw new Error(`up failed: ${r.stderr}`);
  st = JSON.parse(r.stdout) as StatusResult;
}, 120_000);
afterAll(async () => p?.cleanup());

describe('delivery into a full-screen program', () => {
  it('waits out a paste window longer than the profile says: each message submitted once, byte for byte', async () => {
    const texts = ['from   conductor: spaces drawn as cursor moves', 'line one\nline two\n\nline four', 'a third, after the delay was learned'];
    const ids: string[] = [];
    for (const t of texts) {
      const r = await send('known', t);
      expect(r.out).toBe('delivered (submitted)');
      ids.push(r.id);
    }
    await until(() => turns('known').length >= texts.length, 'three turns');
    expect(turns('known')).toEqual(texts.map((t, i) => header(ids[i]!) + t));
    // The first Enter fell in the window (a newline); only the key was sent again, never the text.
    const done = journal().filter((e) => e.type === 'message.delivered' && (e.payload?.to as string) === 'known');
    expect(done[0]?.payload?.attempts).toBeGreaterThan(1);
    expect(journal().filter((e) => e.type === 'message.delivering' && e.payload?.to === 'known')).toHaveLength(texts.length);
    // The wait that worked is kept for the next controller (read back at its start: unit-tested).
    const kept = JSON.parse(readFileSync(join(p.root, '.miyabi', 'state', 'submit-delays.json'), 'utf8')) as { agents: Record<string, { profile: string; delayMs: number }> };
    expect(kept.agents.known?.profile).toBe('codex');
    expect(kept.agents.known?.delayMs).toBeGreaterThan(50);
  }, 120_000);

  it('a program slow to act on the Enter (starting up, or redrawing the same screen) gets one key, not a second', async () => {
    const texts = ['slow one', 'slow two'];
    for (const t of texts) expect((await send('slow', t)).out).toBe('delivered (submitted)');
    await until(() => turns('slow').length >= texts.length, 'both turns');
    expect(turns('slow').map((t) => t.replace(/^\[from user #[0-9a-f]+\] /, ''))).toEqual(texts);
    const done = journal().filter((e) => e.type === 'message.delivered' && e.payload?.to === 'slow');
    expect(done.map((e) => e.payload?.attempts)).toEqual([1, 1]);
  }, 60_000);

  it('a long paste shown as a placeholder is submitted once', async () => {
    const long = 'x'.repeat(4096) + ' the end';
    const r = await send('known', long);
    expect(r.out).toBe('delivered (submitted)');
    await until(() => turns('known').includes(header(r.id) + long), 'the long turn');
    expect(turns('known').filter((t) => t.endsWith(' the end'))).toHaveLength(1);
  }, 60_000);

  it('an agent that stalls 3 s, then 7 s, before it reads gets each message once, submitted', async () => {
    for (const ms of [3000, 7000]) {
      writeFileSync(rec('known.stall'), String(ms));
      const text = `after a stall of ${ms} ms`;
      const r = await send('known', text);
      expect(r.out).toBe('delivered (submitted)');
      await until(() => turns('known').includes(header(r.id) + text), 'the stalled turn');
      expect(turns('known').filter((t) => t.includes(text))).toHaveLength(1);
    }
    writeFileSync(rec('known.stall'), '0');
  }, 90_000);

  it('an agent stalled past its limit is reported not delivered, and the text is never typed again', async () => {
    const r = await send('limit', 'stalled past the limit');
    expect(r.code).toBe(1);
    expect(r.out).toBe('failed (unconfirmed)');
    const failed = journal().find((e) => e.type === 'message.failed' && e.payload?.to === 'limit');
    expect(String(failed?.payload?.reason)).toContain('not typed again');
    // The one paste arrives once the agent reads again: one copy in its input box, none submitted.
    await until(() => screen('limit').includes('stalled past the limit'), 'the late echo');
    expect(screen('limit').split('stalled past the limit').length - 1).toBe(1);
    expect(turns('limit')).toEqual([]);
    expect((await p.miyabi(['inbox', 'limit'])).stdout).toContain('not typed again');
  }, 60_000);

  it('a full-screen program with no profile: each message goes in once, reported typed, not confirmed', async () => {
    const texts = ['to an unknown program', 'and   a second one'];
    for (const t of texts) {
      const r = await send('unknown', t);
      expect(r.code).toBe(0);
      expect(r.out).toBe('delivered (typed)');
    }
    await until(() => turns('unknown').length >= texts.length, 'both turns');
    expect(turns('unknown')).toEqual(texts);
  }, 60_000);

  it('refuses at send, exit 2 and the reason, what the agent would run as a command', async () => {
    const r = await p.miyabi(['send', 'bare', '!rm -rf /tmp/x']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('message to bare starts with a character claude runs as a command');
    expect(readdirSync(join(p.root, '.miyabi', 'bus', 'bare', 'new'))).toEqual([]);
  });

  it("an agent's own UserPromptSubmit hook proves the submit while its screen still shows the text", async () => {
    const r = await send('hooked', 'proved by the hook');
    expect(r.out).toBe('delivered (submitted)');
    expect(turns('hooked')).toEqual([`${header(r.id)}proved by the hook`]);
    expect(screen('hooked')).toContain('proved by the hook');
  });
});
