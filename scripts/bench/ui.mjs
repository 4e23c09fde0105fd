// Dashboard figures with 50 agents, against a stand-in controller (the real IPC server, answering
// from memory) so only the dashboard is measured: a key press until the screen shows its answer
// (tmux is the terminal; baseline: the same round trip through `cat`), and the dashboard's CPU at
// rest and under 100 journal records a second (baseline: an idle node process).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summarize } from './stats.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;
const { IpcServer } = await import(join(ROOT, 'dist', 'ipc', 'server.js'));
const { z } = await import('zod');

const AGENTS = Array.from({ length: 50 }, (_, i) => ({
  name: `agent-${String(i + 1).padStart(2, '0')}`, paneId: `%${i + 10}`, pid: 100 + i, alive: true, command: 'claude', cwd: '/p',
  worktree: null, branch: `miyabi/agent-${i + 1}`, spawned: false, state: i % 3 ? 'idle' : 'busy', signal: 'screen', reason: 'bench',
}));

async function fakeController(dir) {
  const sock = join(dir, 'ctl.sock');
  const status = { session: 'bench', tmuxSocket: 'x', root: dir, layout: 'bench', controller: { pid: 1, startedAt: '', uptimeMs: 0, ipcPath: sock }, panes: [] };
  const any = z.object({}).passthrough();
  const server = new IpcServer({
    status: { schema: any, describe: '', handle: () => status },
    agents: { schema: any, describe: '', handle: () => AGENTS },
    'runs.list': { schema: any, describe: '', handle: () => [] },
    'task.list': { schema: any, describe: '', handle: () => [] },
    // As the controller answers an agent's diff (git runs there, not in the dashboard).
    diff: { schema: any, describe: '', handle: (p) => ({ agent: p.agent, dir: '/p', base: 'HEAD', baseCommit: '0'.repeat(40), files: [{ path: 'a.ts', added: 3, removed: 1, binary: false }], added: 3, removed: 1 }) },
    report: { schema: any, describe: '', handle: () => ({ lastSeq: 0, agents: [] }) },
    subscribe: { schema: z.object({ fromSeq: z.number().optional() }), describe: '', handle: (p, conn) => ({ subscribed: true, afterSeq: conn.subscribe(p.fromSeq) ?? null }) },
  });
  await server.listen(sock);
  return { server, sock };
}

function cpuTicks(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(f[11]) + Number(f[12]);
}
const HZ = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

async function cpuPercent(pid, seconds) {
  const t0 = cpuTicks(pid);
  const w0 = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  return ((cpuTicks(pid) - t0) / HZ / ((performance.now() - w0) / 1000)) * 100;
}

export async function benchUi(presses) {
  const dir = mkdtempSync(join(tmpdir(), 'miyabi-bench-ui-'));
  const sockName = `miyabi-bench-ui-${process.pid}`;
  const tmux = (...a) => execFileSync('tmux', ['-L', sockName, ...a], { encoding: 'utf8' });
  const { server, sock } = await fakeController(dir);
  const rows = [];
  try {
    tmux('-f', '/dev/null', 'new-session', '-d', '-s', 'ui', '-x', '120', '-y', '40', process.execPath, join(ROOT, 'dist', 'ui', 'dashboard', 'main.js'), '--socket', sock);
    tmux('new-window', '-d', '-t', 'ui', 'cat');
    const screen = (t) => tmux('capture-pane', '-p', '-t', t);
    const until = async (pred, ms = 10_000) => {
      const end = Date.now() + ms;
      while (Date.now() < end) {
        if (pred()) return;
        await new Promise((r) => setImmediate(r));
      }
      throw new Error('bench ui: timed out');
    };
    await until(() => /agent-50/.test(screen('ui:0')) || /agent-49/.test(screen('ui:0')));
    const named = () => /name\s+(agent-\d+)/.exec(screen('ui:0'))?.[1];
    const keys = [];
    for (let i = 0; i < presses; i++) {
      const before = named();
      const key = i % 20 < 10 ? 'j' : 'k';
      const t0 = performance.now();
      tmux('send-keys', '-t', 'ui:0', key);
      await until(() => named() !== before);
      keys.push(performance.now() - t0);
    }
    const base = [];
    for (let i = 0; i < presses; i++) {
      const mark = `m${i}x`;
      const t0 = performance.now();
      tmux('send-keys', '-t', 'ui:1', '-l', mark);
      await until(() => screen('ui:1').includes(mark));
      base.push(performance.now() - t0);
      if (i % 10 === 9) tmux('send-keys', '-t', 'ui:1', 'C-u');
    }
    const k = summarize(keys);
    const b = summarize(base);
    rows.push({ name: 'dashboard, 50 agents: key press → screen answered', ...k, ratio: k.p50 / b.p50, baseline: 'typed into cat', target: 'p99 < 100 ms' });

    const pid = Number(tmux('display-message', '-p', '-t', 'ui:0', '#{pane_pid}').trim());
    const idle = spawnSync(process.execPath, ['-e', 'setTimeout(()=>{}, 1e9)'], { timeout: 1 }); // warm
    void idle;
    const rest = [];
    for (let i = 0; i < 3; i++) rest.push(await cpuPercent(pid, 3));
    let seq = 0;
    const timer = setInterval(() => {
      const a = AGENTS[seq % 50];
      server.broadcast({ seq: ++seq, ts: Date.now(), type: seq % 2 ? 'agent.state' : 'message.delivered', payload: seq % 2 ? { name: a.name, state: seq % 4 === 1 ? 'busy' : 'idle', signal: 'screen', reason: 'bench' } : { to: a.name, pane: a.paneId, ids: ['x'], ms: 1, outcome: 'submitted' } });
    }, 10);
    const load = [];
    for (let i = 0; i < 3; i++) load.push(await cpuPercent(pid, 3));
    clearInterval(timer);
    const r = summarize(rest);
    const l = summarize(load);
    rows.push({ name: 'dashboard, 50 agents: CPU at rest', ...r, unit: '% core', target: '< 2 %' });
    rows.push({ name: 'dashboard, 50 agents: CPU under 100 records/s', ...l, unit: '% core', target: '< 10 %' });
  } finally {
    spawnSync('tmux', ['-L', sockName, 'kill-server']);
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
