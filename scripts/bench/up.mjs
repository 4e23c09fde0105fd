// `miyabi up --detach` with 8 agent panes, against the same session built by a raw chained tmux
// command, and by tmuxinator and tmuxp when installed.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ms, now, summarize } from './stats.mjs';

const BIN = new URL('../../bin/miyabi.js', import.meta.url).pathname;
const AGENTS = 8;
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

function repo() {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'miyabi-bench-')));
  execFileSync('git', ['init', '-q', root]);
  return root;
}

const killServer = (sock) => spawnSync('tmux', ['-L', sock, 'kill-server'], { stdio: 'ignore' });

function miyabiLayout(root) {
  const agents = Array.from({ length: AGENTS }, (_, i) => `      - role: agent\n        name: a${i + 1}\n        command: [sleep, "3600"]\n`).join('');
  writeFileSync(join(root, 'bench.yaml'), `session: bench\nwindows:\n  - name: main\n    layout: tiled\n    panes:\n      - role: conductor\n      - role: dashboard\n${agents}`);
}

function runMiyabi(i) {
  const root = repo();
  miyabiLayout(root);
  const sock = `miyabi-bench-${process.pid}-${i}`;
  const env = { ...process.env, MIYABI_TMUX_SOCKET: sock };
  const t0 = now();
  const r = spawnSync(process.execPath, [BIN, 'up', '--detach', '--layout', 'bench.yaml'], { cwd: root, env, encoding: 'utf8' });
  const t = ms(t0);
  if (r.status !== 0) throw new Error(`miyabi up failed: ${r.stderr}`);
  spawnSync(process.execPath, [BIN, 'down'], { cwd: root, env });
  killServer(sock);
  rmSync(root, { recursive: true, force: true });
  return t;
}

function runRaw(i) {
  const sock = `miyabi-bench-raw-${process.pid}-${i}`;
  const args = ['-L', sock, 'new-session', '-d', '-s', 'bench', '-x', '220', '-y', '50', 'sleep 3600'];
  for (let p = 1; p < AGENTS + 2; p++) args.push(';', 'split-window', '-t', 'bench', 'sleep 3600', ';', 'select-layout', '-t', 'bench', 'tiled');
  const t0 = now();
  execFileSync('tmux', args);
  const t = ms(t0);
  killServer(sock);
  return t;
}

function runTmuxinator(i) {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'miyabi-bench-tx-')));
  const sock = `miyabi-bench-tx-${process.pid}-${i}`;
  const panes = Array.from({ length: AGENTS + 2 }, () => '          - sleep 3600').join('\n');
  const file = join(dir, 'bench.yml');
  writeFileSync(file, `name: bench\nroot: ${dir}\nsocket_name: ${sock}\nattach: false\nwindows:\n  - main:\n      layout: tiled\n      panes:\n${panes}\n`);
  const t0 = now();
  const r = spawnSync('tmuxinator', ['start', '-p', file], { encoding: 'utf8', env: { ...process.env, TMUX: '' } });
  const t = ms(t0);
  if (r.status !== 0) throw new Error(`tmuxinator failed: ${r.stderr}`);
  killServer(sock);
  rmSync(dir, { recursive: true, force: true });
  return t;
}

function runTmuxp(i) {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'miyabi-bench-tp-')));
  const sock = `miyabi-bench-tp-${process.pid}-${i}`;
  const panes = Array.from({ length: AGENTS + 2 }, () => '      - sleep 3600').join('\n');
  const file = join(dir, 'bench.yaml');
  writeFileSync(file, `session_name: bench\nstart_directory: ${dir}\nwindows:\n  - window_name: main\n    layout: tiled\n    panes:\n${panes}\n`);
  const t0 = now();
  const r = spawnSync('tmuxp', ['load', '-d', '-y', '-L', sock, file], { encoding: 'utf8', env: { ...process.env, TMUX: '' } });
  const t = ms(t0);
  if (r.status !== 0) throw new Error(`tmuxp failed: ${r.stderr}`);
  killServer(sock);
  rmSync(dir, { recursive: true, force: true });
  return t;
}

export function benchUp(runs) {
  const contenders = [
    ['raw chained tmux script', runRaw],
    [`miyabi up --detach (${AGENTS} agents)`, runMiyabi],
  ];
  if (has('tmuxinator')) contenders.push(['tmuxinator start', runTmuxinator]);
  if (has('tmuxp')) contenders.push(['tmuxp load -d', runTmuxp]);
  const samples = new Map(contenders.map(([n]) => [n, []]));
  // Interleave the contenders so that machine noise falls on all of them alike.
  for (let i = 0; i < runs; i++) for (const [n, f] of contenders) samples.get(n).push(f(i));
  const rows = contenders.map(([n]) => ({ name: n, ...summarize(samples.get(n)) }));
  const raw = rows[0];
  const tx = rows.find((r) => r.name.startsWith('tmuxinator'));
  const tp = rows.find((r) => r.name.startsWith('tmuxp'));
  for (const r of rows.slice(1)) {
    r.ratio = r.p50 / raw.p50;
    r.baseline = 'raw';
  }
  const mi = rows[1];
  const targets = [];
  if (tx) targets.push(`${(mi.p50 / tx.p50).toFixed(2)}× tmuxinator (≤ 0.75)`);
  if (tp) targets.push(`${(mi.p50 / tp.p50).toFixed(2)}× tmuxp (≤ 0.5)`);
  mi.target = targets.join(', ');
  return rows;
}
