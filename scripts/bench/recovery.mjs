// Recovery figures (DESIGN.md targets: L1 < 100 ms, L2 < 500 ms, L3 < 2 s with 8 agents): from the
// kill to every agent's command running again, with 1 and 8 agents. Each agent is a shell that
// stamps the time it starts (`date +%s%N`) before it sleeps, so "running again" is the new
// process's own first act, not a poll of tmux.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summarize } from './stats.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;
const BIN = join(ROOT, 'bin', 'miyabi.js');

function project(n, supervised, recOverride) {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'miyabi-bench-rec-')));
  execFileSync('git', ['init', '-q', root]);
  const names = Array.from({ length: n }, (_, i) => `a${i + 1}`);
  const panes = names.map((a) => `      - role: agent\n        name: ${a}\n        command: sh -c 'date +%s%N >> ${a}.starts; exec sleep 3600'\n`).join('');
  // Limits raised: the bench kills on purpose, again and again; the ladder must not give up.
  const rec = recOverride ?? 'recovery: {pane: {limit: 100, backoff_ms: 0}, session: {limit: 100, backoff_ms: 0}, full: {limit: 100, backoff_ms: 0}}\n';
  writeFileSync(join(root, 'l.yaml'), `session: benchrec\n${rec}windows:\n  - name: main\n    panes:\n${panes}`);
  const sock = `miyabi-bench-rec-${process.pid}-${n}-${supervised ? 's' : 'u'}`;
  const env = { ...process.env, MIYABI_TMUX_SOCKET: sock, MIYABI_SUPERVISE: supervised ? '1' : '0', MIYABI_SUPERVISOR_BURST: '1000', MIYABI_SUPERVISOR_BACKOFF: '0' };
  const r = spawnSync(process.execPath, [BIN, 'up', '--detach', '-l', 'l.yaml'], { cwd: root, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  const tmux = (...a) => execFileSync('tmux', ['-L', sock, ...a], { encoding: 'utf8' });
  const starts = (a) => {
    const f = join(root, `${a}.starts`);
    return existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => Number(BigInt(l) / 1000n) / 1000) : [];
  };
  const controllerPid = () => JSON.parse(readFileSync(join(root, '.miyabi', 'run', 'controller.lock'), 'utf8')).pid;
  return {
    names, tmux, starts, controllerPid,
    pids: () => Object.fromEntries(tmux('list-panes', '-s', '-t', 'benchrec', '-F', '#{@miyabi_agent} #{pane_pid}').trim().split('\n').map((l) => l.split(' '))),
    stop: () => {
      const sup = join(root, '.miyabi', 'run', 'supervisor.pid');
      if (existsSync(sup)) try { process.kill(Number(readFileSync(sup, 'utf8')), 'SIGKILL'); } catch { /* gone */ }
      spawnSync(process.execPath, [BIN, 'down'], { cwd: root, env });
      spawnSync('tmux', ['-L', sock, 'kill-server']);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

async function until(fn, ms, what) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (fn()) return;
    await new Promise((r) => setTimeout(r, 1));
  }
  throw new Error(`bench: timed out waiting for ${what}`);
}

/** Kill → every agent's command running again, `runs` times; `kill` does the damage. */
async function measure(p, runs, kill) {
  await until(() => p.names.every((a) => p.starts(a).length >= 1), 20_000, 'the first start');
  await new Promise((r) => setTimeout(r, 500)); // the first sweeps: not ours to time
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const before = Object.fromEntries(p.names.map((a) => [a, p.starts(a).length]));
    const t0 = performance.timeOrigin + performance.now();
    kill();
    await until(() => p.names.every((a) => p.starts(a).length > before[a]), 30_000, 'the agents to run again');
    samples.push(Math.max(...p.names.map((a) => p.starts(a).at(-1))) - t0);
    await new Promise((r) => setTimeout(r, 300)); // settle (a controller restart journals its take-over)
  }
  return samples;
}

function row(name, samples, target) {
  const s = summarize(samples);
  return { name, ...s, p99: s.max, unit: 'ms', target: `${target} (p99 column = max)` };
}

export async function benchRecovery(runs) {
  const rows = [];
  // Baseline, same run, same machine: the bench itself respawns the pane with one tmux command
  // right after the kill (recovery off). What miyabi adds is the rest.
  const b = project(1, false, 'recovery: {enabled: false}\n');
  try {
    const sock = `miyabi-bench-rec-${process.pid}-1-u`;
    const base = await measure(b, runs, () => {
      const [, pid] = Object.entries(b.pids())[0];
      process.kill(Number(pid), 'SIGKILL');
      spawnSync('tmux', ['-L', sock, 'respawn-pane', '-k', '-t', 'benchrec:main.0']);
    });
    rows.push(row('recovery baseline: kill + one `tmux respawn-pane -k` by hand (1)', base, 'floor of L1'));
  } finally {
    b.stop();
  }
  for (const n of [1, 8]) {
    const p = project(n, false);
    try {
      rows.push(row(`recovery L1 pane, SIGKILL → running (${n} agent${n > 1 ? 's, all killed' : ''})`, await measure(p, runs, () => {
        for (const pid of Object.values(p.pids())) process.kill(Number(pid), 'SIGKILL');
      }), 'L1 < 100 ms'));
      rows.push(row(`recovery L2 session, kill-session → running (${n})`, await measure(p, runs, () => p.tmux('kill-session', '-t', 'benchrec')), 'L2 < 500 ms'));
    } finally {
      p.stop();
    }
    const q = project(n, true);
    try {
      rows.push(row(`recovery L3 full, controller + tmux server killed → running (${n})`, await measure(q, runs, () => {
        try { process.kill(-q.controllerPid(), 'SIGKILL'); } catch { /* gone */ }
        spawnSync('tmux', ['-L', `miyabi-bench-rec-${process.pid}-${n}-s`, 'kill-server']);
      }), 'L3 < 2 s'));
    } finally {
      q.stop();
    }
  }
  return rows;
}
