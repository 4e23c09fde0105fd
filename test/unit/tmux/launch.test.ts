import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { shQuote } from '../../../src/core/sh-quote.js';
import { ensureLaunchDir, launchScript, writeLaunchScript } from '../../../src/tmux/launch.js';
import type { PaneSpec } from '../../../src/tmux/port.js';
import { until } from '../../helpers/project.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'miyabi-launch-unit-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const pane = (over: Partial<PaneSpec> = {}): PaneSpec => ({
  name: 'agent-1',
  role: 'agent',
  argv: ['printf', '%s|', 'a b', "it's", '$(x)', 'y;', '#{z}', ''],
  cwd: '/',
  env: { GOOD: "v'1\nline2", 'BAD-NAME': 'x', '1X': 'y', TMUX: 'no', TMUX_PANE: 'no', TERM: 'no' },
  ...over,
});

describe('launchScript', () => {
  it('runs the argv exactly, in the cwd, with the env (checked with a real /bin/sh)', () => {
    const cwd = join(dir, "sp ace 'q' #;");
    execFileSync('mkdir', [cwd]);
    const path = writeLaunchScript(dir, 'x.sh', launchScript(pane({ cwd, argv: ['/bin/sh', '-c', 'printf "%s|" "$PWD" "$GOOD" "$@"', 'sh', 'a b', '$(x)', 'y;', ''] })));
    const out = execFileSync('/bin/sh', [path], { encoding: 'utf8', env: { PATH: process.env.PATH } });
    expect(out).toBe(`${cwd}|v'1\nline2|a b|$(x)|y;||`);
  });

  it('skips names that are not shell identifiers and the variables tmux sets itself', () => {
    const text = launchScript(pane());
    expect(text).toContain("export GOOD='v'\\''1\nline2'");
    expect(text).not.toMatch(/BAD-NAME|1X|TMUX|TERM/);
    expect(text).toMatch(/^exec 'printf' '%s\|' 'a b' 'it'\\''s' '\$\(x\)' 'y;' '#\{z\}' ''$/m);
  });

  it('exits non-zero when the cwd is missing', () => {
    const path = writeLaunchScript(dir, 'y.sh', launchScript(pane({ cwd: join(dir, 'missing'), argv: ['true'] })));
    expect(() => execFileSync('/bin/sh', [path], { stdio: 'pipe' })).toThrow();
  });

  it.each([
    ['empty argv', { argv: [] }, /empty command/],
    ['relative cwd', { cwd: 'rel/dir' }, /absolute/],
    ['NUL in argv', { argv: ['a\0b'] }, /NUL/],
    ['NUL in env', { env: { X: 'a\0' } }, /NUL/],
  ])('refuses %s', (_what, over, msg) => {
    expect(() => launchScript(pane(over as Partial<PaneSpec>))).toThrow(expect.objectContaining({ code: 'CONFIG', message: expect.stringMatching(msg) }));
  });

  it('quotes like sh', () => {
    expect(shQuote("a'b")).toBe("'a'\\''b'");
    expect(shQuote('')).toBe("''");
  });
});

describe('launchScript waitFor', () => {
  it('starts the program only once the socket is there (a real /bin/sh, a real unix socket)', async () => {
    const sock = join(dir, 'ctl.sock');
    const out = join(dir, 'out');
    const path = writeLaunchScript(dir, 'w.sh', launchScript(pane({ argv: ['/bin/sh', '-c', `echo started > ${shQuote(out)}`], env: {}, waitFor: sock })));
    const child = spawn('/bin/sh', [path], { stdio: 'ignore' });
    const exited = new Promise<number | null>((r) => child.once('exit', r));
    // Proof that it is waiting, not merely slow to start: it has polled (a sleep child) three times.
    let polls = 0;
    await until(() => {
      const r = spawnSync('pgrep', ['-P', String(child.pid), 'sleep']);
      if (r.status === 0) polls++;
      return polls >= 3;
    }, 'the launch script polling for the socket');
    expect(existsSync(out)).toBe(false);
    const server = createServer().listen(sock);
    await once(server, 'listening');
    try {
      expect(await exited).toBe(0);
      expect(readFileSync(out, 'utf8')).toBe('started\n');
    } finally {
      server.close();
    }
  });

  it('waits for nothing without it, and refuses a NUL in it', () => {
    expect(launchScript(pane())).not.toMatch(/while/);
    expect(() => launchScript(pane({ waitFor: 'a\0b' }))).toThrow(/NUL/);
  });
});

describe('launch files', () => {
  it('makes the directory 0700 and scripts 0600, replacing old scripts', () => {
    const d = join(dir, 'launch');
    ensureLaunchDir(d);
    expect(statSync(d).mode & 0o777).toBe(0o700);
    execFileSync('chmod', ['755', d]);
    ensureLaunchDir(d);
    expect(statSync(d).mode & 0o777).toBe(0o700);
    const p1 = writeLaunchScript(d, 's.a.sh', 'one\n');
    const p2 = writeLaunchScript(d, 's.a.sh', 'two\n');
    expect(p1).toBe(p2);
    expect(statSync(p1).mode & 0o777).toBe(0o600);
    expect(execFileSync('cat', [p1], { encoding: 'utf8' })).toBe('two\n');
  });

  it('refuses a symlink, a relative path and control characters', () => {
    const real = join(dir, 'real');
    execFileSync('mkdir', [real]);
    symlinkSync(real, join(dir, 'link'));
    expect(() => ensureLaunchDir(join(dir, 'link'))).toThrow(expect.objectContaining({ code: 'UNSAFE_PATH' }));
    expect(() => ensureLaunchDir('relative')).toThrow(expect.objectContaining({ code: 'UNSAFE_PATH' }));
    expect(() => ensureLaunchDir(join(dir, 'a\nb'))).toThrow(expect.objectContaining({ code: 'UNSAFE_PATH' }));
    expect(() => writeLaunchScript(dir, '../x.sh', '')).toThrow();
  });
});
