// Dashboard figures with 50 agents, against a stand-in controller (the real IPC server, answering
// from memory) so only the dashboard is measured. A key press: from writing the key into the pane
// (through a tmux control-mode client, so no process starts per key or per look) to the arrival of
// the pane output that put the answer on screen; baseline: the same round trip to echo-key.mjs, a
// program that answers each key at once, pressed alternately with the dashboard in the same run.
// Then the dashboard's CPU at rest and under 100 journal records a second.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summarize } from './stats.mjs';
import { TmuxControl } from './tmux-control.mjs';

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
  let ctl;
  try {
    tmux('-f', '/dev/null', 'new-session', '-d', '-s', 'ui', '-x', '120', '-y', '40', process.execPath, join(ROOT, 'dist', 'ui', 'dashboard', 'main.js'), '--socket', sock);
    tmux('new-window', '-d', '-t', 'ui', process.execPath, join(ROOT, 'scripts', 'bench', 'echo-key.mjs'));
    ctl = await TmuxControl.open(sockName, 'ui', 120, 40);
    const dash = await ctl.paneId('ui:0');
    const echo = await ctl.paneId('ui:1');
    const screen = async (p) => (await ctl.command(`capture-pane -p -t ${p}`)).lines.join('\n');
    const until = async (pred, ms = 20_000) => {
      const end = Date.now() + ms;
      while (Date.now() < end) {
        if (await pred()) return;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error('bench ui: timed out');
    };
    await until(async () => /agent-50/.test(await screen(dash)) || /agent-49/.test(await screen(dash)));
    await until(async () => (await screen(echo)).includes('ready'));
    const named = (lines) => lines.map((l) => /name\s+(agent-\d+)/.exec(l)?.[1]).find(Boolean);
    // Alternate the two programs key by key, so both see the same moments of a loaded machine.
    const keys = [];
    const firsts = [];
    const base = [];
    let shown = named((await ctl.command(`capture-pane -p -t ${dash}`)).lines);
    for (let i = 0; i < presses; i++) {
      const before = shown;
      const r = await ctl.press(dash, i % 20 < 10 ? 'j' : 'k', (lines) => (shown = named(lines)) !== before && shown !== undefined);
      keys.push(r.answer);
      firsts.push(r.first);
      const b = await ctl.press(echo, i % 20 < 10 ? 'j' : 'k', (lines) => lines.some((l) => l.startsWith(`key ${i + 1} `)));
      base.push(b.answer);
    }
    const k = summarize(keys);
    const f = summarize(firsts);
    const b = summarize(base);
    rows.push({ name: 'dashboard, 50 agents: key press → first output byte', ...f, ratio: f.p50 / b.p50, baseline: 'echo-key answered' });
    rows.push({ name: 'dashboard, 50 agents: key press → answer on screen', ...k, ratio: k.p50 / b.p50, baseline: 'echo-key answered', target: 'p99 < 100 ms' });
    rows.push({ name: 'baseline: key press → echo-key answered', ...b });

    const pid = Number(tmux('display-message', '-p', '-t', 'ui:0', '#{pane_pid}').trim());
    const rest = [];
    for (let i = 0; i < 3; i++) rest.push(await cpuPercent(pid, 3));
    let seq = 0;
    const timer = setInterval(() => {
      const a = AGENTS[seq % 50];
      server.broadcast({ seq: ++seq, ts: Date.now(), type: seq % 2 ? 'agent.state' : 'message.delivered', payload: seq % 2 ? { name: a.name, state: seq % 4 === 1 ? 'busy' : 'idle', signal: 'screen', reason: 'bench' } : { to: a.name, pane: a.paneId, ids: ['x'], ms: 1, outcome: 'submitted' } });
    }, 10);
    const load = [];
    for (let i = 0; i < 3; i++) load.push(await cpuPercent(pid, 3));
    // Keys while the records come: Tab (rows re-sort under j/k, the panel focus does not move by itself).
    const TABS = ['agents', 'preview', 'diff', 'tasks', 'runs', 'triggers', 'recovery', 'events', 'bus'];
    const busy = [];
    const busyBase = [];
    for (let i = 0; i < presses; i++) {
      const f = TABS[(i + 1) % TABS.length];
      const has = (lines, t) => lines.some((l) => l.includes(`[${t}]`));
      busy.push((await ctl.press(dash, 'Tab', (lines) => (f === 'agents' ? has(lines, f) : has(lines, f) && !has(lines, 'agents')))).answer);
      const n = presses + i + 1;
      busyBase.push((await ctl.press(echo, 'Tab', (lines) => lines.some((l) => l.startsWith(`key ${n} `)))).answer);
    }
    clearInterval(timer);
    const u = summarize(busy);
    const ub = summarize(busyBase);
    rows.push({ name: 'dashboard, 50 agents, 100 records/s: key press → answer on screen', ...u, ratio: u.p50 / ub.p50, baseline: 'echo-key answered', target: 'p99 < 100 ms' });
    rows.push({ name: 'baseline, 100 records/s: key press → echo-key answered', ...ub });
    const r = summarize(rest);
    const l = summarize(load);
    rows.push({ name: 'dashboard, 50 agents: CPU at rest', ...r, unit: '% core', target: '< 2 %' });
    rows.push({ name: 'dashboard, 50 agents: CPU under 100 records/s', ...l, unit: '% core', target: '< 10 %' });
  } finally {
    ctl?.close();
    spawnSync('tmux', ['-L', sockName, 'kill-server']);
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
