import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { StatusResult } from '../../../src/ipc/protocol.js';
import { makeProject, pidAlive, until, type TestProject } from '../../helpers/project.js';

let project: TestProject | undefined;
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

const LAYOUT = 'session: doc\nwindows:\n  - name: w\n    panes:\n      - role: agent\n        name: a1\n        command: [sleep, "3600"]\n';

describe('miyabi doctor', () => {
  it('reports tmux, git and a fresh project as healthy', async () => {
    const p = (project = makeProject());
    const r = await p.miyabi(['doctor']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/ok\s+tmux 3\.\d/);
    expect(r.stdout).toMatch(/ok\s+git \d/);
    expect(r.stdout).toContain('is a git work tree');
  });

  it('names a stale lock and socket left by a killed controller, each with a fix', async () => {
    const p = (project = makeProject());
    p.write('l.yaml', LAYOUT);
    const st = JSON.parse((await p.miyabi(['up', '-l', 'l.yaml', '--json'])).stdout) as StatusResult;
    process.kill(st.controller.pid, 'SIGKILL');
    await until(() => !pidAlive(st.controller.pid), 'the controller to die');
    const r = await p.miyabi(['doctor', '--json']);
    const checks = JSON.parse(r.stdout) as { level: string; what: string; fix?: string }[];
    const stale = checks.find((c) => c.what.includes('stale controller lock'));
    expect(stale).toMatchObject({ level: 'warn', fix: expect.stringContaining('miyabi up') });
    expect(checks.find((c) => c.what.includes('left from a controller'))).toMatchObject({ level: 'warn' });
    expect(checks.find((c) => c.what.includes('session doc is alive'))).toBeDefined();
  });

  it('finds a journal damaged in the middle, up refuses it, and --repair makes it usable', async () => {
    const p = (project = makeProject());
    p.write('l.yaml', LAYOUT);
    expect((await p.miyabi(['up', '-l', 'l.yaml', '--detach'])).exitCode).toBe(0);
    expect((await p.miyabi(['down'])).exitCode).toBe(0);
    const file = join(p.root, '.miyabi', 'journal', 'events.jsonl');
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[1] = lines[1]!.replace('"type":"', '"type":"X');
    writeFileSync(file, lines.join('\n'));
    appendFileSync(file, '');

    const d = await p.miyabi(['doctor']);
    expect(d.exitCode).toBe(1);
    expect(d.stdout).toMatch(/events\.jsonl:2/);
    expect(d.stdout).toContain('doctor --repair');

    const up = await p.miyabi(['up', '-l', 'l.yaml', '--detach']);
    expect(up.exitCode).toBe(1);
    expect(up.stderr).toMatch(/events\.jsonl:2/);
    expect(() => p.tmux.tmux('has-session', '-t', '=doc')).toThrow();

    const fix = await p.miyabi(['doctor', '--repair']);
    expect(fix.stdout).toContain('journal repaired');
    expect((await p.miyabi(['up', '-l', 'l.yaml', '--detach'])).exitCode).toBe(0);
  });
});
