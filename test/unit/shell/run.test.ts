import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pidAlive } from '../../../src/core/pid.js';
import { shJoin, shQuote } from '../../../src/shell/quote.js';
import { runShell } from '../../../src/shell/run.js';
import { until } from '../../helpers/project.js';
import { tempDir } from '../pipelines/helpers.js';

const env = { PATH: process.env.PATH ?? '' };

describe('runShell', () => {
  it('a cancel that lands while the command is being set up stops it from starting at all', async () => {
    const dir = tempDir();
    const ctl = new AbortController();
    const marker = join(dir, 'started');
    const running = runShell({ argv: ['/bin/sh', '-c', `touch ${marker}; sleep 30`], cwd: dir, env, signal: ctl.signal });
    // Aborted in the same tick as the call: before any process could have been spawned.
    ctl.abort('cancelled');
    expect(await running).toMatchObject({ started: false, aborted: true, exitCode: null });
    expect(existsSync(marker)).toBe(false);
  });

  it('runs argv without a shell, or sh -c when asked, in cwd with exactly env', async () => {
    const dir = tempDir();
    const r = await runShell({ argv: ['/bin/sh', '-c', 'printf "%s|%s|%s" "$PWD" "$X" "$HOME"', 'x'], cwd: dir, env: { ...env, X: "a 'b' $c" } });
    expect(r).toMatchObject({ started: true, exitCode: 0, stdout: `${dir}|a 'b' $c|` });
    const s = await runShell({ argv: ['echo one; echo two >&2; exit 3'], sh: true, cwd: dir, env });
    expect(s).toMatchObject({ exitCode: 3, stdout: 'one\n' });
    expect(s.tail).toContain('two');
    const missing = await runShell({ argv: [join(dir, 'no-such-program')], cwd: dir, env });
    expect(missing.spawnError).toMatch(/ENOENT|not found/);
  });

  it('a timeout kills the whole process group, a grandchild included', async () => {
    const dir = tempDir();
    const pidFile = join(dir, 'grandchild');
    const r = await runShell({ argv: [`sleep 600 & echo $! > ${pidFile}; wait`], sh: true, cwd: dir, env, timeoutMs: 300, graceMs: 100 });
    expect(r.timedOut).toBe(true);
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    await until(() => !pidAlive(grandchild), 'the grandchild to be killed');
  });
});

describe('sh quoting', () => {
  it('round-trips any text through sh', async () => {
    const dir = tempDir();
    const nasty = ["it's", '$HOME', '`id`', 'a\nb', '"q"', '\\', '', ' ; rm -rf /'];
    const r = await runShell({ argv: [`printf '%s\\0' ${nasty.map(shQuote).join(' ')}`], sh: true, cwd: dir, env });
    expect(r.stdout.split('\0').slice(0, -1)).toEqual(nasty);
    expect(shJoin(['git', 'commit', '-m', "it's done"])).toBe("git commit -m 'it'\\''s done'");
  });
});
