import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { makeProject, until, type TestProject } from '../../helpers/project.js';

let p: TestProject | undefined;
afterEach(async () => {
  await p?.cleanup();
  p = undefined;
});

const LAYOUT =
  'session: tl\nwindows:\n  - name: main\n    panes:\n      - role: agent\n        name: sh\n' +
  '        command: [env, "PS1=sh$ ", bash, --norc, --noprofile, -i]\n';

const BIN = join(import.meta.dirname, '..', '..', '..', 'bin', 'miyabi.js');
const count = (text: string, s: string) => text.split(s).length - 1;

describe('miyabi tail', () => {
  it('shows a line pasted into a real bash once, though bash redraws it with CR and ESC[C', async () => {
    p = makeProject();
    p.write('sh.yaml', LAYOUT);
    expect((await p.miyabi(['up', '-l', 'sh.yaml', '--detach'])).exitCode).toBe(0);
    const raw = join(p.root, '.miyabi', 'logs', 'sh.log');
    const rawLog = () => {
      try {
        return readFileSync(raw, 'latin1');
      } catch {
        return '';
      }
    };
    await until(async () => (await p!.miyabi(['tail', 'sh'])).stdout.includes('sh$'), 'the first prompt in the log');
    const sent = await p.miyabi(['send', 'sh', 'hello from the conductor', '--wait']);
    expect(sent.exitCode, sent.stderr).toBe(0);
    await until(() => rawLog().includes('command not found'), 'bash to run the line');
    // The reason for rendering the raw log: bash's redraw of the paste is in it.
    expect(rawLog()).toContain('\r\x1b[C\x1b[C\x1b[C\x1b[C');
    const t = await p.miyabi(['tail', 'sh']);
    expect(t.exitCode).toBe(0);
    expect(count(t.stdout, 'hello from the conductor'), t.stdout).toBe(1);
    expect(t.stdout).toContain('sh$ hello from the conductor\n');
    expect(t.stdout).toContain('bash: hello: command not found\n');
    // A second line, after a prompt bash printed while watched (the first may have come from the
    // screen read at start): the old rendering showed this one as `…conductorhello again…`.
    expect((await p.miyabi(['send', 'sh', 'hello again from the conductor', '--wait'])).exitCode).toBe(0);
    await until(() => count(rawLog(), 'command not found') === 2, 'bash to run the second line');
    const again = (await p.miyabi(['tail', 'sh', '-n', '3'])).stdout;
    expect(count(again, 'hello again from the conductor'), again).toBe(1);
    expect(again).toContain('sh$ hello again from the conductor\n');
  });

  it('-f prints the waiting prompt, then the rest of its line once bash has redrawn it', async () => {
    p = makeProject();
    p.write('sh.yaml', LAYOUT);
    expect((await p.miyabi(['up', '-l', 'sh.yaml', '--detach'])).exitCode).toBe(0);
    await until(async () => (await p!.miyabi(['tail', 'sh'])).stdout.includes('sh$'), 'the first prompt in the log');
    const f = execa(process.execPath, [BIN, 'tail', 'sh', '-f'], { cwd: p.root, env: { MIYABI_TMUX_SOCKET: p.tmux.socket }, reject: false });
    let out = '';
    f.stdout?.on('data', (d: Buffer) => (out += d.toString('utf8')));
    try {
      await until(() => out.includes('sh$'), 'tail -f to show the prompt');
      expect((await p.miyabi(['send', 'sh', 'hello from the conductor', '--wait'])).exitCode).toBe(0);
      await until(() => out.includes('command not found'), 'tail -f to show what bash printed');
      expect(count(out, 'hello from the conductor'), out).toBe(1);
      expect(out).toContain('sh$ hello from the conductor\n');
    } finally {
      f.kill('SIGINT');
      await f;
    }
  });

  it('says when an agent has no output recorded', async () => {
    p = makeProject();
    const t = await p.miyabi(['tail', 'nobody']);
    expect(t.exitCode).not.toBe(0);
    expect(t.stderr).toContain('no output recorded for "nobody"');
  });
});
