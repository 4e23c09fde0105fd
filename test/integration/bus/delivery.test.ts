import { readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { StatusResult } from '../../../src/ipc/protocol.js';
import { makeProject, until, type TestProject } from '../../helpers/project.js';
import { received, upReaders } from '../../helpers/readers.js';

let p: TestProject | undefined;
afterEach(async () => {
  await p?.cleanup();
  p = undefined;
});

const pane = (st: StatusResult, name: string) => st.panes.find((x) => x.name === name)!.paneId;
const journal = (t: TestProject) => readFileSync(join(t.root, '.miyabi', 'journal', 'events.jsonl'), 'utf8');

describe('delivery into panes', () => {
  it('takes a pane out of copy mode first (B5)', async () => {
    p = makeProject();
    const st = await upReaders(p, ['r1']);
    p.tmux.tmux('copy-mode', '-t', pane(st, 'r1'));
    expect(p.tmux.tmux('display', '-p', '-t', pane(st, 'r1'), '#{pane_in_mode}').trim()).toBe('1');
    const r = await p.miyabi(['send', 'r1', 'through copy mode', '--wait']);
    expect(r.stdout).toContain('delivered');
    expect(received(p, 'r1')).toEqual(['through copy mode']);
    expect(p.tmux.tmux('display', '-p', '-t', pane(st, 'r1'), '#{pane_in_mode}').trim()).toBe('0');
  });

  it('never pastes into a dead pane; the message waits and arrives once after a respawn (F13)', async () => {
    p = makeProject();
    // Recovery off: this is delivery's own promise about a pane left dead.
    const st = await upReaders(p, ['r1'], '', 'recovery: {enabled: false}\n');
    const id = pane(st, 'r1');
    process.kill(st.panes[0]!.pid, 'SIGKILL');
    await until(() => p!.tmux.tmux('display', '-p', '-t', id, '#{pane_dead}').trim() === '1', 'the pane to die');
    const r = await p.miyabi(['send', 'r1', 'after the respawn']);
    expect(r.exitCode).toBe(0);
    await until(async () => (await p!.miyabi(['inbox', 'r1'])).stdout.includes('pane is dead'), 'inbox to say why it waits');
    // the server survived and nothing was typed
    expect(p.tmux.tmux('list-sessions').length).toBeGreaterThan(0);
    expect(received(p, 'r1')).toEqual([]);
    p.tmux.tmux('respawn-pane', '-t', id);
    await until(() => received(p!, 'r1').length === 1, 'the message after the respawn');
    expect(received(p, 'r1')).toEqual(['after the respawn']);
  });

  it('waits while a person has half-typed text, and never merges with it', async () => {
    p = makeProject();
    const st = await upReaders(p, ['r1']);
    const id = pane(st, 'r1');
    p.tmux.tmux('send-keys', '-t', id, '-l', 'half typed');
    await until(async () => (await p!.miyabi(['inbox', 'r1'])).stdout.includes('no messages'), 'an empty inbox');
    await p.miyabi(['send', 'r1', 'the message']);
    await until(async () => (await p!.miyabi(['inbox', 'r1'])).stdout.includes('input line holds unsent text'), 'the wait to show');
    expect(received(p, 'r1')).toEqual([]);
    p.tmux.tmux('send-keys', '-t', id, 'Enter');
    await until(() => received(p!, 'r1').length === 2, 'both submissions');
    expect(received(p, 'r1')).toEqual(['half typed', 'the message']);
  });

  it('queues while the controller is down and delivers on the next up', async () => {
    p = makeProject();
    await upReaders(p, ['r1']);
    expect((await p.miyabi(['down'])).exitCode).toBe(0);
    const s = await p.miyabi(['send', 'r1', 'sent while down']);
    expect(s.exitCode).toBe(0);
    expect(s.stdout).toMatch(/^queued [0-9a-f]{8} for r1$/m);
    expect(s.stderr).toContain('controller is not running');
    const inbox = await p.miyabi(['inbox', 'r1', '--json']);
    expect(JSON.parse(inbox.stdout)).toMatchObject({ controller: false, messages: [{ state: 'queued', text: 'sent while down' }] });
    expect((await p.miyabi(['up', '-l', 'readers.yaml', '--detach'])).exitCode).toBe(0);
    await until(() => received(p!, 'r1').length === 1, 'delivery after up');
    expect(received(p, 'r1')).toEqual(['sent while down']);
  });

  it('refuses bad input with exit 2 and a clear reason, and writes nothing', async () => {
    p = makeProject();
    await upReaders(p, ['r1', 'r2']);
    const cases: [string[], string | undefined, RegExp][] = [
      [['send', 'nobody', 'hi'], undefined, /unknown recipient "nobody"; known: r1, r2/],
      [['send', '../x', 'hi'], undefined, /recipient/],
      [['send', 'r1', '--stdin'], '', /empty/],
      [['send', 'r1', '--stdin'], 'nul\0byte', /NUL/],
      [['send', 'r1', 'bell\u0007'], undefined, /control/i],
      [['send', 'r1', '--stdin'], 'x'.repeat(64 * 1024 + 1), /64 KiB|65536|too (big|large)/],
      [['send', 'r1', '--priority', 'urgent', 'x'], undefined, /priority/],
      [['send', 'r1', '--bogus', 'x'], undefined, /bogus/],
    ];
    for (const [args, input, why] of cases) {
      const r = await p.miyabi(args, input === undefined ? {} : { input });
      expect(r.exitCode, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(why);
    }
    const pending = readdirSync(join(p.root, '.miyabi', 'bus', 'r1', 'new'));
    expect(pending).toEqual([]);
  });

  it('never types the bracketed-paste end sequence, even with --raw (B3)', async () => {
    p = makeProject();
    await upReaders(p, ['r1']);
    // Refused at `send`, with exit 2 and the reason, before anything is written.
    const r = await p.miyabi(['send', 'r1', '--raw', '--stdin', '--wait'], { input: 'before\x1b[201~after' });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('contains the bracketed-paste end sequence ESC [201~ at byte 6');
    expect(readdirSync(join(p.root, '.miyabi', 'bus', 'r1', 'new'))).toEqual([]);
    const ok = await p.miyabi(['send', 'r1', 'next one', '--wait']);
    expect(ok.exitCode).toBe(0);
    expect(received(p, 'r1')).toEqual(['next one']);
  });

  it('takes messages from the conductor over IPC', async () => {
    p = makeProject();
    const st = await upReaders(p, ['r1']);
    const { IpcClient } = await import('../../../src/ipc/client.js');
    const c = await IpcClient.connect(st.controller.ipcPath);
    const r = await c.request('send', { to: 'r1', text: 'from the conductor' });
    c.close();
    expect(r.id).toMatch(/\.conductor\./);
    await until(() => received(p!, 'r1').length === 1, 'the message');
    expect(received(p, 'r1')).toEqual(['from the conductor']);
  });

  it('quarantines junk found in new/ and goes on delivering (B11)', async () => {
    p = makeProject();
    await upReaders(p, ['r1']);
    const dir = join(p.root, '.miyabi', 'bus', 'r1', 'new');
    writeFileSync(join(dir, 'garbage'), 'not a message');
    writeFileSync(join(dir, 'empty'), '');
    symlinkSync('/etc/passwd', join(dir, 'link'));
    const quarantined = () => {
      try {
        return readdirSync(join(p!.root, '.miyabi', 'bus', 'r1', 'quarantine')).filter((n) => !n.endsWith('.reason')).length;
      } catch {
        return 0;
      }
    };
    await until(() => quarantined() >= 3, 'the junk to be quarantined');
    const r = await p.miyabi(['send', 'r1', 'still flowing', '--wait']);
    expect(r.stdout).toContain('delivered');
    expect(received(p, 'r1')).toEqual(['still flowing']);
    expect(journal(p)).toContain('"message.quarantined"');
  });

  it('relays `@agent: text` printed in a pane as a message to that agent', async () => {
    // The talker speaks once its output is watched (its log is made then): a loaded machine may
    // take longer than any fixed pause to attach the control client, and a line printed before
    // is only in the pane's first screen, which proves and relays nothing.
    p = makeProject();
    const st = await upReaders(p, ['r1']);
    p.write(
      'relay.yaml',
      `session: rl\nwindows:\n  - name: main\n    panes:\n      - role: agent\n        name: talker\n        command: [sh, -c, "until [ -e .miyabi/logs/talker.log ]; do sleep 0.05; done; echo '@r2: hello from talker'; sleep 3600"]\n      - role: agent\n        name: r2\n        command: [node, ${JSON.stringify(join(import.meta.dirname, '..', '..', 'fixtures', 'reader.mjs'))}, rec/r2.jsonl]\n`,
    );
    expect(st.session).toBe('rd');
    expect((await p.miyabi(['down'])).exitCode).toBe(0);
    expect((await p.miyabi(['up', '-l', 'relay.yaml', '--detach'])).exitCode).toBe(0);
    await until(() => received(p!, 'r2').length === 1, 'the relayed message', 15_000);
    expect(received(p, 'r2')).toEqual(['hello from talker']);
    expect(journal(p)).toContain('"relay.sent"');
  });
});
