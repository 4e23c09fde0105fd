/** Two runs of one pipeline started together: `concurrency: queue` runs them one after the other. */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { project, type Project } from './cli.js';

let p: Project | undefined;
afterEach(() => {
  p?.cleanup();
  p = undefined;
});

describe('concurrency: queue', () => {
  it('three runs started at once never overlap, and all run', async () => {
    const pr = (p = project());
    for (const d of ['skills', 'pipelines']) fs.mkdirSync(path.join(pr.root, d), { recursive: true });
    fs.writeFileSync(
      path.join(pr.root, 'skills', 'test.yaml'),
      `name: test\nactions:\n  span: "/bin/sh -c 'echo start $(date +%s%N) >> spans; sleep 0.3; echo end $(date +%s%N) >> spans'"\n`,
    );
    fs.writeFileSync(path.join(pr.root, 'pipelines', 'q.yaml'), 'name: q\nconcurrency: queue\nstages:\n  - { name: s, skill: test, actions: [span] }\n');
    const runs = await Promise.all([1, 2, 3].map(() => pr.miyabi(['run', 'q', '--wait'])));
    for (const r of runs) expect(r.exitCode, r.stderr).toBe(0);
    const events = fs.readFileSync(path.join(pr.root, 'spans'), 'utf8').trim().split('\n').map((l) => l.split(' ')[0]);
    expect(events).toEqual(['start', 'end', 'start', 'end', 'start', 'end']);
  });
});
