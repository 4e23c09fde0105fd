/**
 * Issue #17: the controller's parts start after `up` has returned, so what a part would refuse
 * is checked with the layout, before anything is created: a bad feedback.yaml leaves no session
 * and no .miyabi/, as a bad layout does.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeProject, type TestProject } from '../../helpers/project.js';

let project: TestProject | undefined;
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

describe('up checks the parts config before it creates anything', () => {
  it('a bad feedback.yaml: exit 2 naming the file and line, no session, no .miyabi', async () => {
    const p = (project = makeProject());
    p.write('feedback.yaml', 'notify:\n  routes:\n    agent.dead: 7\n');
    const r = await p.miyabi(['up', '--detach']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/feedback\.yaml:3:\d+/);
    expect(r.stdout).not.toContain('started');
    expect(existsSync(join(p.root, '.miyabi'))).toBe(false);
    expect(() => p.tmux.tmux('list-sessions')).toThrow();
  });
});
