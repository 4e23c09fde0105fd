import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeProject, until, type TestProject } from '../../helpers/project.js';
import { received, upReaders } from '../../helpers/readers.js';

let p: TestProject | undefined;
afterEach(async () => {
  await p?.cleanup();
  p = undefined;
});

describe('send --wait', () => {
  it('queued while the controller is down, it returns once `up` has delivered the message', async () => {
    p = makeProject();
    await upReaders(p, ['r1']);
    expect((await p.miyabi(['down'])).exitCode).toBe(0);
    const inbox = join(p.root, '.miyabi', 'bus', 'r1', 'new');
    const waiting = p.miyabi(['send', 'r1', 'sent while down', '--wait', '--timeout', '60']);
    await until(() => readdirSync(inbox).length === 1, 'the message in new/ while the controller is down');
    const up = await p.miyabi(['up', '-l', 'readers.yaml']);
    expect(up.exitCode, up.stderr).toBe(0);
    const r = await waiting;
    expect(r.stderr).toContain('the controller is not running');
    expect(r.stdout).toMatch(/^delivered \S+ for r1/m);
    expect(r.exitCode).toBe(0);
    expect(received(p, 'r1')).toEqual(['sent while down']);
  });
});
