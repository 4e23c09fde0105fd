import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { copyHookFiles, runSetupHooks, runTeardownHooks, type CommandRunner } from '../../../src/git/hooks.js';

let dir: string;
let repo: string;
let wt: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'miyabi-hooks-'));
  repo = join(dir, 'repo');
  wt = join(dir, 'wt');
  mkdirSync(join(repo, 'cfg'), { recursive: true });
  mkdirSync(wt);
  writeFileSync(join(repo, '.env'), 'A=1\n');
  writeFileSync(join(repo, 'cfg', 'x.json'), '{}\n');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A fake runner behind the CommandRunner port: records calls, answers as told. */
function fake(answer: { exitCode: number | null; timedOut?: boolean; output?: string }) {
  const calls: Array<{ argv: string[]; cwd: string; env: Record<string, string>; timeoutMs: number }> = [];
  const runner: CommandRunner = async (argv, o) => {
    calls.push({ argv, ...o });
    return { argv, exitCode: answer.exitCode, timedOut: answer.timedOut ?? false, durationMs: 1, output: answer.output ?? '' };
  };
  return { runner, calls };
}

describe('hooks', () => {
  it('copies files and folders, and lists the ones the main tree lacks', () => {
    expect(copyHookFiles(repo, wt, ['.env', 'cfg', 'nope'])).toEqual({ copied: ['.env', 'cfg'], missing: ['nope'] });
    expect(readFileSync(join(wt, 'cfg', 'x.json'), 'utf8')).toBe('{}\n');
  });

  it.each(['/etc/passwd', '../up', 'a/../../up', '.git/config', ''])('refuses the copy path %j', (p) => {
    expect(() => copyHookFiles(repo, wt, [p])).toThrow(/must be a path inside the repository/);
  });

  it('runs install in the worktree with the env and the default timeout', async () => {
    const f = fake({ exitCode: 0 });
    const r = await runSetupHooks({ repo, worktree: wt, hooks: { install: { argv: ['npm', 'ci'], env: { X: '1' } } }, env: { MIYABI_PORT: '4100' }, runner: f.runner });
    expect(r.install?.exitCode).toBe(0);
    expect(f.calls).toEqual([{ argv: ['npm', 'ci'], cwd: wt, env: { MIYABI_PORT: '4100', X: '1' }, timeoutMs: 300_000 }]);
  });

  it('turns a failure or a timeout into an error with the output and a hint', async () => {
    await expect(runSetupHooks({ repo, worktree: wt, hooks: { install: { argv: ['make'] } }, runner: fake({ exitCode: 2, output: 'boom' }).runner })).rejects.toThrow(
      /install command "make" exited with 2 in .*:\nboom/,
    );
    await expect(
      runTeardownHooks({ worktree: wt, hooks: { teardown: { argv: ['stop'], timeoutMs: 5 } }, runner: fake({ exitCode: null, timedOut: true }).runner }),
    ).rejects.toThrow(/teardown command "stop" timed out after 5 ms/);
  });

  it('skips teardown when there is none or the folder is gone', async () => {
    const f = fake({ exitCode: 0 });
    expect(await runTeardownHooks({ worktree: wt, hooks: {}, runner: f.runner })).toBeNull();
    expect(await runTeardownHooks({ worktree: join(dir, 'gone'), hooks: { teardown: { argv: ['x'] } }, runner: f.runner })).toBeNull();
    expect(f.calls).toEqual([]);
  });
});
