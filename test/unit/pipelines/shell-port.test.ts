import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ShellCommand, ShellPort, ShellResult } from '../../../src/shell/run.js';
import { fixture } from './helpers.js';

const SKILL = `name: test
actions:
  say: ['printf', "it's"]
  fail: "false"
`;

/** A ShellPort that runs nothing: records each command and answers as told. */
function fakeShell(answer: (c: ShellCommand) => Partial<ShellResult>): ShellPort & { calls: ShellCommand[] } {
  const calls: ShellCommand[] = [];
  return {
    calls,
    run: async (c) => {
      calls.push(c);
      c.onOutput?.(Buffer.from('out\n'), 'stdout');
      return { exitCode: 0, signal: null, timedOut: false, aborted: false, started: true, spawnError: null, stdout: '', tail: '', durationMs: 1, ...answer(c) };
    },
  };
}

describe('pipeline actions run commands through the injected shell port', () => {
  it('passes argv, cwd and env to the port, logs the command line and output, and maps exit codes', async () => {
    const shell = fakeShell((c) => (c.argv[0] === 'false' ? { exitCode: 7 } : { stdout: " it's \n" }));
    const f = fixture(SKILL, 'name: p\nbackoff: 1ms\nstages:\n  - { name: s, skill: test, actions: [say] }\n  - { name: t, skill: test, actions: [fail] }\n');
    const st = await f.runner({ shell }).start();
    // The failing stage is retried: every try goes through the port too.
    const [first, ...rest] = shell.calls.map((c) => [...c.argv]);
    expect(first).toEqual(['printf', "it's"]);
    expect(rest.length).toBeGreaterThan(0);
    for (const r of rest) expect(r).toEqual(['false']);
    expect(shell.calls[0]).toMatchObject({ cwd: f.root, sh: false });
    expect(shell.calls[0]?.env.MIYABI_RUN_ID).toBe('p-20250101-000000-abcd');
    expect(st.stages.map((s) => `${s.name}:${s.outcome}`)).toEqual(['s:passed', 't:failed']);
    expect(st.stages[1]?.error).toMatch(/false exited with code 7/);
    expect(readFileSync(path.join(f.root, '.miyabi/runs/r/s.log'), 'utf8')).toContain("$ printf 'it'\\''s'\nout\n");
  });
});
