// `miyabi spawn` of an agent with its own worktree, as a whole command, without and with a pool of
// pre-made worktrees (git/pool.ts), in a repository of 2,000 files.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summarize } from './stats.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;
const BIN = join(ROOT, 'bin', 'miyabi.js');
const { fillPool } = await import(join(ROOT, 'dist', 'git', 'pool.js'));

export async function benchSpawn(runs) {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'miyabi-bench-spawn-')));
  const sock = `miyabi-bench-spawn-${process.pid}`;
  const env = { ...process.env, MIYABI_TMUX_SOCKET: sock };
  const git = (...a) => execFileSync('git', ['-c', 'user.email=b@b.invalid', '-c', 'user.name=b', ...a], { cwd: root, stdio: 'ignore' });
  const cli = (...a) => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [BIN, ...a], { cwd: root, env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`miyabi ${a.join(' ')}: ${r.stderr}`);
    return performance.now() - t0;
  };
  try {
    git('init', '-q', '-b', 'main');
    for (let d = 0; d < 20; d++) {
      mkdirSync(join(root, `d${d}`));
      for (let f = 0; f < 100; f++) writeFileSync(join(root, `d${d}`, `f${f}.ts`), `export const v = ${f};\n`.repeat(20));
    }
    git('add', '.');
    git('commit', '-qm', 'files');
    writeFileSync(join(root, 'l.yaml'), 'session: bsp\nwindows:\n  - name: main\n    panes:\n      - role: agent\n        name: lead\n        command: [sleep, "3600"]\n');
    cli('up', '-d', '-l', 'l.yaml');
    const cold = [];
    const warm = [];
    for (let i = 0; i < runs; i++) {
      cold.push(cli('spawn', `c${i}`, '--command', 'sleep 3600'));
      cli('kill', `c${i}`, '--clean');
    }
    await fillPool({ repo: root, size: runs });
    for (let i = 0; i < runs; i++) {
      warm.push(cli('spawn', `w${i}`, '--command', 'sleep 3600'));
      cli('kill', `w${i}`, '--clean');
    }
    const a = { name: 'miyabi spawn with a worktree (no pool)', ...summarize(cold) };
    const b = { name: 'miyabi spawn with a worktree (from the pool)', ...summarize(warm) };
    b.ratio = b.p50 / a.p50;
    b.baseline = 'no pool';
    return [a, b];
  } finally {
    spawnSync(process.execPath, [BIN, 'down'], { cwd: root, env });
    spawnSync('tmux', ['-L', sock, 'kill-server']);
    rmSync(root, { recursive: true, force: true });
    rmSync(join(root, '..', `.${root.split('/').pop()}-miyabi-worktrees`), { recursive: true, force: true });
  }
}
