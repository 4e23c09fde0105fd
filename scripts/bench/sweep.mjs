// The controller at rest with 100 agent panes (25 windows × 4), against the same controller with 4:
// CPU of the controller and of its tmux server, as % of one core, sampled over 5 s windows after
// start-up has settled. DESIGN.md's target: one sweep per tick, < 2 % of one core at rest.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summarize } from './stats.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;
const BIN = join(ROOT, 'bin', 'miyabi.js');
const TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

function cpuTicks(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]); // utime + stime
}

const pause = (ms) => new Promise((r) => setTimeout(r, ms));

async function measure(panes, samples) {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'miyabi-bench-sweep-')));
  const sock = `miyabi-bench-sweep-${process.pid}-${panes}`;
  const env = { ...process.env, MIYABI_TMUX_SOCKET: sock };
  const perWindow = 4;
  const windows = Array.from({ length: Math.ceil(panes / perWindow) }, (_, w) => {
    const n = Math.min(perWindow, panes - w * perWindow);
    const ps = Array.from({ length: n }, (_, i) => `      - role: agent\n        name: a${w * perWindow + i}\n        command: [sleep, "100000"]\n`).join('');
    return `  - name: w${w}\n    panes:\n${ps}`;
  });
  writeFileSync(join(root, 'l.yaml'), `session: bsweep\nwindows:\n${windows.join('')}`);
  execFileSync('git', ['init', '-q', root]);
  try {
    const up = spawnSync(process.execPath, [BIN, 'up', '--detach', '-l', 'l.yaml', '--json'], { cwd: root, env, encoding: 'utf8' });
    if (up.status !== 0) throw new Error(`bench sweep: up failed: ${up.stderr}`);
    const ctl = JSON.parse(up.stdout).controller.pid;
    const server = Number(execFileSync('tmux', ['-L', sock, 'display-message', '-p', '#{pid}'], { encoding: 'utf8' }).trim());
    await pause(3000); // start-up, the first captures and the state profiles' grace are over
    const ctlPct = [];
    const tmuxPct = [];
    for (let i = 0; i < samples; i++) {
      const c0 = cpuTicks(ctl);
      const s0 = cpuTicks(server);
      const t0 = performance.now();
      await pause(5000);
      const secs = (performance.now() - t0) / 1000;
      ctlPct.push(((cpuTicks(ctl) - c0) / TICKS / secs) * 100);
      tmuxPct.push(((cpuTicks(server) - s0) / TICKS / secs) * 100);
    }
    return { ctl: summarize(ctlPct), tmux: summarize(tmuxPct) };
  } finally {
    spawnSync(process.execPath, [BIN, 'down'], { cwd: root, env });
    spawnSync('tmux', ['-L', sock, 'kill-server']);
    rmSync(root, { recursive: true, force: true });
  }
}

/** 5 s windows: with 100 clock ticks a second, one window resolves 0.2 % of a core. */
export async function benchSweep(samples) {
  const few = await measure(4, samples);
  const many = await measure(100, samples);
  const pct = { unit: '% cpu' };
  return [
    { name: 'controller at rest, 4 agent panes (baseline)', ...few.ctl, ...pct },
    { name: 'controller at rest, 100 agent panes', ...many.ctl, ...pct, target: '< 2 % of one core' },
    { name: 'its tmux server at rest, 4 agent panes', ...few.tmux, ...pct },
    { name: 'its tmux server at rest, 100 agent panes', ...many.tmux, ...pct },
  ];
}
