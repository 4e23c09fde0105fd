// Worktree figures: an agent's worktree made from scratch (branch + checkout + registry) against one
// taken from the pool (branch rename + folder move), beside raw `git worktree add` in the same run.
// The repository has BENCH_WORKTREE_FILES files (default 2000) so that a checkout costs what it
// does in a real project. Needs `npm run build` (imports dist/).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ms, now, summarize } from './stats.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;
const { createWorktree, cleanWorktrees } = await import(join(ROOT, 'dist', 'git', 'worktrees.js'));
const { fillPool, takeFromPool, drainPool } = await import(join(ROOT, 'dist', 'git', 'pool.js'));

function repo(files) {
  const base = realpathSync(mkdtempSync(join(tmpdir(), 'miyabi-bench-wt-')));
  const root = join(base, 'repo');
  mkdirSync(root);
  const git = (...a) => execFileSync('git', a, { cwd: root, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('config', 'user.name', 'bench');
  git('config', 'user.email', 'bench@example.invalid');
  for (let i = 0; i < files; i++) {
    const d = join(root, 'src', `d${i % 40}`);
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, `f${i}.ts`), `export const v${i} = ${i};\n`.repeat(30));
  }
  git('add', '-A');
  git('commit', '-qm', 'init');
  return { base, root, worktrees: join(base, 'wt'), git };
}

export async function benchWorktrees(runs = 10) {
  const files = Number(process.env.BENCH_WORKTREE_FILES ?? 2000);
  const r = repo(files);
  const raw = [];
  const create = [];
  const take = [];
  try {
    await fillPool({ repo: r.root, root: r.worktrees, size: runs });
    for (let i = 0; i < runs; i++) {
      let t0 = now();
      r.git('worktree', 'add', '-q', '-b', `raw${i}`, join(r.base, 'raw', `r${i}`));
      raw.push(ms(t0));
      t0 = now();
      await createWorktree({ repo: r.root, root: r.worktrees, name: `c${i}` });
      create.push(ms(t0));
      t0 = now();
      const w = await takeFromPool({ repo: r.root, root: r.worktrees, name: `t${i}` });
      take.push(ms(t0));
      if (!w) throw new Error('the pool ran dry');
    }
    await cleanWorktrees(r.root, { force: true });
    await drainPool(r.root);
  } finally {
    rmSync(r.base, { recursive: true, force: true });
  }
  const rawRow = { name: `git worktree add, raw (${files} files)`, ...summarize(raw) };
  const createRow = { name: 'create worktree (no pool)', ...summarize(create) };
  createRow.ratio = createRow.p50 / rawRow.p50;
  createRow.baseline = 'raw';
  const takeRow = { name: 'take worktree from pool', ...summarize(take) };
  takeRow.ratio = takeRow.p50 / createRow.p50;
  takeRow.baseline = 'no pool';
  return [rawRow, createRow, takeRow];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { table } = await import('./stats.mjs');
  process.stdout.write(`${table(await benchWorktrees(Number(process.env.BENCH_RUNS ?? 10)))}\n`);
}
