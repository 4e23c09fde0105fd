// `task add` → the task's text submitted in an idle agent's pane (a recording reader program).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summarize } from './stats.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;
const BIN = join(ROOT, 'bin', 'miyabi.js');
const READER = join(ROOT, 'test', 'fixtures', 'reader.mjs');
const { IpcClient } = await import(join(ROOT, 'dist', 'ipc', 'client.js'));

export async function benchTaskHandover(runs) {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'miyabi-bench-task-')));
  const sock = `miyabi-bench-task-${process.pid}`;
  const env = { ...process.env, MIYABI_TMUX_SOCKET: sock };
  execFileSync('git', ['init', '-q', root]);
  mkdirSync(join(root, 'rec'));
  writeFileSync(join(root, 'l.yaml'), `session: btask\nwindows:\n  - name: main\n    panes:\n      - role: agent\n        name: r1\n        command: [node, ${JSON.stringify(READER)}, rec/r1.jsonl, --stamps]\n        messages: {settle_ms: 0}\n`);
  const rec = () => (existsSync(join(root, 'rec', 'r1.jsonl')) ? readFileSync(join(root, 'rec', 'r1.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : []);
  const until = async (fn, ms) => {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      const v = await fn();
      if (v) return v;
      await new Promise((r) => setTimeout(r, 2));
    }
    throw new Error('bench: timed out');
  };
  try {
    const up = spawnSync(process.execPath, [BIN, 'up', '--detach', '-l', 'l.yaml', '--json'], { cwd: root, env, encoding: 'utf8' });
    if (up.status !== 0) throw new Error(up.stderr);
    const c = await IpcClient.connect(JSON.parse(up.stdout).controller.ipcPath);
    const idle = async () => (await c.request('agents')).find((a) => a.name === 'r1')?.state === 'idle';
    const samples = [];
    for (let i = 0; i < runs; i++) {
      await until(idle, 30_000);
      const t0 = performance.timeOrigin + performance.now();
      const t = await c.request('task.add', { text: `bench task ${i}` });
      const got = await until(() => rec().find((r) => r[1].includes(`task ${t.id}:`)), 30_000);
      samples.push(got[0] - t0);
      await c.request('done', { id: t.id });
    }
    c.close();
    return [{ name: 'task add → task submitted in an idle agent\'s pane', ...summarize(samples) }];
  } finally {
    spawnSync(process.execPath, [BIN, 'down'], { cwd: root, env });
    spawnSync('tmux', ['-L', sock, 'kill-server']);
    rmSync(root, { recursive: true, force: true });
  }
}
