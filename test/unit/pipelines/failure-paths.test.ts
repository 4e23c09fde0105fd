/** Failure paths of the runner: rollback, what runs after an unhandled failure, background children, action timeouts. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture } from './helpers.js';

const SKILL = `name: test
actions:
  fail: "false"
  ok: "true"
  deploy: "/bin/sh -c 'echo deployed >> deployed; exit 1'"
`;

const outcomes = (st: { stages: { name: string; outcome: string }[] }) => st.stages.map((s) => `${s.name}:${s.outcome}`);

describe('after a failure', () => {
  it('a failed build with no on_failure never leads to a deploy, and the run ends', async () => {
    const f = fixture(
      SKILL,
      'name: p\nretries: 0\nstages:\n  - { name: build, skill: test, actions: [fail] }\n  - { name: deploy, skill: test, actions: [deploy], condition: branch == main, on_failure: rollback }\n',
    );
    const st = await f.runner({ vars: { branch: 'main' }, maxVisits: 5 }).start();
    expect(st.outcome).toBe('failed');
    expect(outcomes(st)).toEqual(['build:failed', 'deploy:skipped']);
    expect(fs.existsSync(path.join(f.root, 'deployed'))).toBe(false);
  });

  it('a failed deploy goes to the built-in rollback once, and the run ends there', async () => {
    const f = fixture(SKILL, 'name: p\nretries: 0\nstages:\n  - { name: build, skill: test, actions: [ok] }\n  - { name: deploy, skill: test, actions: [deploy], on_failure: rollback }\n');
    const st = await f.runner({ env: { ...process.env, MIYABI_ROLLBACK_CMD: 'echo rolled-back' }, maxVisits: 5 }).start();
    expect(outcomes(st)).toEqual(['build:passed', 'deploy:failed', 'rollback:passed']);
    expect(fs.readFileSync(path.join(f.root, 'deployed'), 'utf8')).toBe('deployed\n');
  });
});

describe('a command that leaves a child in the background', () => {
  it('ends its stage when the command exits, and the child goes with it', async () => {
    const f = fixture(
      `name: test\nactions:\n  bg: "/bin/sh -c 'sleep 30 & echo $! > bg.pid; echo started'"\n`,
      'name: p\nstages:\n  - { name: s, skill: test, actions: [bg] }\n',
    );
    const t0 = Date.now();
    const st = await f.runner().start();
    expect(st.outcome).toBe('succeeded');
    expect(Date.now() - t0).toBeLessThan(10_000);
    const pid = Number(fs.readFileSync(path.join(f.root, 'bg.pid'), 'utf8'));
    await expect.poll(() => { try { process.kill(pid, 0); return true; } catch { return false; } }, { timeout: 5000 }).toBe(false);
  });
});

describe("an action's own timeout", () => {
  it('stops the action inside a longer stage', async () => {
    const f = fixture(
      `name: test\nactions:\n  slow:\n    run: "/bin/sh -c 'sleep 20'"\n    timeout: 300ms\n`,
      'name: p\nretries: 0\nstages:\n  - { name: s, skill: test, actions: [slow] }\n',
    );
    const t0 = Date.now();
    const st = await f.runner().start();
    expect(st.outcome).toBe('failed');
    expect(Date.now() - t0).toBeLessThan(10_000);
  });
});
