import { afterEach, describe, expect, it } from 'vitest';
import { makeProject, type TestProject } from '../../helpers/project.js';

let p: TestProject | undefined;
afterEach(async () => {
  await p?.cleanup();
});

describe('first contact', () => {
  it('--version, layouts, and up refusing a layout whose agent program does not exist (nothing started)', async () => {
    p = makeProject('miyabi-first');
    const v = await p.miyabi(['--version']);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const l = await p.miyabi(['layouts']);
    expect(l.stdout).toMatch(/^NAME\s+WHERE\s+ABOUT/);
    expect(l.stdout).toMatch(/^claude-pair\s+built-in/m);
    expect(l.stdout).toMatch(/^quad\s+built-in/m);
    p.write('nope.yaml', 'windows:\n  - name: w\n    panes:\n      - role: agent\n        name: a\n        command: no-such-agent-cli --flag\n');
    const up = await p.miyabi(['up', '--detach', '--layout', 'nope.yaml']);
    expect(up.exitCode).toBe(2);
    expect(up.stderr).toContain('not found on PATH: a: no-such-agent-cli');
    expect(up.stdout).not.toContain('started');
    expect(p.controllerPid()).toBeNull();
  });
});
