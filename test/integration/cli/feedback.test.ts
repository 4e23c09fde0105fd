import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeProject, until, type TestProject } from '../../helpers/project.js';

async function freePort(): Promise<number> {
  const s = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => s.once('listening', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

let project: TestProject | undefined;
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

describe('feedback with the controller up, then down', () => {
  it('metric set, metrics, /metrics, a notification on an agent death, and report from the journal after down', async () => {
    const p = (project = makeProject('miyabi-fbi'));
    const port = await freePort();
    p.write('layout.yaml', 'session: fbi\nwindows:\n  - name: main\n    panes:\n      - role: agent\n        name: alpha\n        command: [sleep, "3600"]\n');
    p.write('feedback.yaml', `notify:\n  routes:\n    agent.dead: [command]\n  command: 'printf "%s\\n" "$MIYABI_NOTIFY_TEXT" >> notices.txt'\nmetrics_port: ${port}\n`);
    const up = await p.miyabi(['up', '--layout', 'layout.yaml', '--json']);
    expect(up.stderr).toBe('');
    expect(up.exitCode).toBe(0);

    expect((await p.miyabi(['metric', 'set', 'ctr', '0.025'])).stdout).toBe('ctr = 0.025');
    const series = JSON.parse((await p.miyabi(['metrics', '--json'])).stdout) as { name: string; value: number }[];
    expect(series.find((s) => s.name === 'ctr')?.value).toBe(0.025);
    const scraped = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(scraped).toMatch(/^miyabi_ctr 0\.025$/m);

    // The agent's process dies: one notification, through the command channel.
    const pid = Number(p.tmux.tmux('list-panes', '-t', 'fbi', '-F', '#{pane_pid}').trim());
    process.kill(pid, 'SIGKILL');
    const notices = join(p.root, 'notices.txt');
    await until(() => existsSync(notices) && readFileSync(notices, 'utf8').includes('agent alpha died'), 'the notice of the death', 20_000);

    const live = JSON.parse((await p.miyabi(['report', '--json'])).stdout) as { agents: { name: string; deaths: number }[]; external: Record<string, number> };
    expect(live.agents.find((a) => a.name === 'alpha')?.deaths).toBe(1);
    expect((await p.miyabi(['down'])).exitCode).toBe(0);
    expect(existsSync(join(p.root, '.miyabi', 'state', 'metrics.json'))).toBe(true);

    const off = await p.miyabi(['report', '--json']);
    expect(off.stderr).toBe('');
    const r = JSON.parse(off.stdout) as typeof live;
    expect(r.external).toEqual({ ctr: 0.025 });
    expect(r.agents.find((a) => a.name === 'alpha')?.deaths).toBe(1);
    expect(readFileSync(notices, 'utf8').trim().split('\n')).toHaveLength(1);
  });
});
