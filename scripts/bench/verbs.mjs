// Every quick verb as a process (issue #17, items 2-4), beside `node -e 0` measured in the same
// run, interleaved so that load on this shared machine hits them alike: `status`, `send`,
// `agents`, `inbox` against a running controller, `status` through the full command parser (the
// path before the quick entry, for comparison), and `down` of the default layout (its shells and
// the dashboard) after an `up` that is not timed. Also the IPC flood (issue #11, item 3): `status`
// with 2,000 connections held, idle and trickling.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summarize } from './stats.mjs';

const BIN = new URL('../../bin/miyabi.js', import.meta.url).pathname;
const MAIN = new URL('../../dist/cli/main.js', import.meta.url).pathname;

function project(tag) {
  const root = realpathSync(mkdtempSync(join(tmpdir(), `miyabi-bench-${tag}-`)));
  execFileSync('git', ['init', '-q', root]);
  const sock = `miyabi-bench-${tag}-${process.pid}`;
  const env = { ...process.env, MIYABI_TMUX_SOCKET: sock };
  const cli = (args) => spawnSync(process.execPath, [BIN, ...args], { cwd: root, env, encoding: 'utf8' });
  return {
    root, env, cli,
    up: () => {
      const r = cli(['up', '--detach']);
      if (r.status !== 0) throw new Error(`up failed: ${r.stderr}`);
    },
    stop: () => {
      cli(['down']);
      spawnSync('tmux', ['-L', sock, 'kill-server'], { stdio: 'ignore' });
      // tmux leaves its socket file when the server ends: removed too, or each run leaves three.
      if (process.env.TMUX_TMPDIR === undefined) rmSync(`/tmp/tmux-${process.getuid()}/${sock}`, { force: true });
      rmSync(root, { recursive: true, force: true });
    },
  };
}

function time(file, args, o) {
  const t0 = performance.now();
  const r = spawnSync(file, args, { ...o, stdio: 'ignore' });
  const t = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}`);
  return t;
}

function rowsOf(samples, targets) {
  const rows = [...samples].map(([name, s]) => ({ name, ...summarize(s) }));
  const base = rows[0];
  for (const r of rows.slice(1)) {
    r.ratio = r.p50 / base.p50;
    r.baseline = base.name;
    if (targets[r.name]) r.target = targets[r.name];
  }
  return rows;
}

export function benchVerbs(runs) {
  const p = project('verbs');
  p.up();
  const o = { cwd: p.root, env: p.env };
  const cmds = [
    ['node -e 0', ['-e', '0']],
    ['miyabi status', [BIN, 'status']],
    ['miyabi send', [BIN, 'send', 'agent-1', 'hello']],
    ['miyabi agents', [BIN, 'agents']],
    ['miyabi inbox', [BIN, 'inbox']],
    ['miyabi emit', [BIN, 'emit', 'bench.tick', 'n=1']],
    ['miyabi status (full parser)', []],
  ];
  // dist/cli/main.js exports main(); run it the way bin/miyabi.js did before the quick entry.
  const fullStatus = ['--input-type=module', '-e', `const { main } = await import(${JSON.stringify(MAIN)}); process.exitCode = await main(['node', 'miyabi', 'status']);`];
  const samples = new Map(cmds.map(([n]) => [n, []]));
  samples.set('miyabi down (default layout)', []);
  try {
    for (let i = 0; i < runs; i++) {
      for (const [n, args] of cmds) samples.get(n).push(time(process.execPath, n.endsWith('(full parser)') ? fullStatus : args, o));
    }
  } finally {
    p.stop();
  }
  // down: each run after its own (untimed) up, the node baseline beside it.
  const d = project('down');
  try {
    for (let i = 0; i < Math.max(5, Math.floor(runs / 2)); i++) {
      d.up();
      // `up` returns before the controller's parts are up (issue #17); `agents` waits for them, so
      // that `down` is timed against a controller at rest, as a user's would be.
      d.cli(['agents']);
      samples.get('miyabi down (default layout)').push(time(process.execPath, [BIN, 'down'], { cwd: d.root, env: d.env }));
    }
  } finally {
    d.stop();
  }
  return rowsOf(samples, {
    'miyabi status': '≤ 1.2× node -e 0',
    'miyabi send': '≤ 1.2× node -e 0',
    'miyabi agents': '≤ 1.2× node -e 0',
    'miyabi inbox': '≤ 1.2× node -e 0',
    'miyabi emit': '≤ 1.2× node -e 0',
    'miyabi down (default layout)': '≤ 3 node starts',
  });
}

/** `status` with 2,000 connections held on the socket (half idle, half trickling a byte at a time). */
export async function benchFlood(runs) {
  const p = project('flood');
  p.up();
  const socket = join(p.root, '.miyabi', 'run', 'ctl.sock');
  let stopped = false;
  const live = new Set();
  const open = (trickle) => {
    if (stopped) return;
    const s = createConnection(socket);
    live.add(s);
    let drip;
    s.on('connect', () => trickle && (drip = setInterval(() => s.write('{'), 200)));
    s.on('error', () => undefined);
    s.on('close', () => {
      clearInterval(drip);
      live.delete(s);
      setTimeout(() => open(trickle), 100);
    });
  };
  const samples = new Map([['node -e 0', []], ['miyabi status, 2,000 connections held', []]]);
  const timeAsync = async (args) => {
    const { spawn } = await import('node:child_process');
    const t0 = performance.now();
    const code = await new Promise((r) => spawn(process.execPath, args, { cwd: p.root, env: p.env, stdio: 'ignore' }).on('exit', r));
    if (code !== 0) throw new Error(`${args.join(' ')} exited ${code}`);
    return performance.now() - t0;
  };
  try {
    for (let i = 0; i < 2000; i++) open(i % 2 === 1);
    await new Promise((r) => setTimeout(r, 3000));
    for (let i = 0; i < runs; i++) {
      samples.get('node -e 0').push(await timeAsync(['-e', '0']));
      samples.get('miyabi status, 2,000 connections held').push(await timeAsync([BIN, 'status']));
    }
  } finally {
    stopped = true;
    for (const s of live) s.destroy();
    p.stop();
  }
  return rowsOf(samples, { 'miyabi status, 2,000 connections held': 'answered (issue: within 2 s)' });
}
