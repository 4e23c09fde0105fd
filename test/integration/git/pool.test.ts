import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireWorktree, drainPool, fillPool, poolEntries, takeFromPool } from '../../../src/git/pool.js';
import { cleanWorktrees, createWorktree, listWorktrees, removeWorktree, unknownWorktrees } from '../../../src/git/worktrees.js';
import { makeRepo, type TestRepo } from './repo.js';

// Enough files that a checkout costs something, as in a real project.
let r: TestRepo;
beforeAll(() => {
  r = makeRepo({ files: 600 });
});
afterAll(() => r.cleanup());

const ms = (t0: number) => performance.now() - t0;

describe('worktree pool', () => {
  it('taking from the pool gives the same worktree as creating one, faster', async () => {
    const ids = await fillPool({ repo: r.repo, root: r.root, size: 4 });
    expect(ids).toHaveLength(4);
    expect(poolEntries(r.repo)).toHaveLength(4);
    expect(await unknownWorktrees(r.repo)).toEqual([]); // pool worktrees are miyabi's

    const created: number[] = [];
    const taken: number[] = [];
    for (let i = 0; i < 3; i++) {
      let t0 = performance.now();
      const c = await createWorktree({ repo: r.repo, name: `c${i}`, root: r.root });
      created.push(ms(t0));
      t0 = performance.now();
      const t = await takeFromPool({ repo: r.repo, name: `t${i}`, root: r.root, task: 'job' });
      taken.push(ms(t0));
      expect(t).not.toBeNull();
      expect(t?.source).toBe('pool');
      expect(t?.path).toBe(join(r.root, `t${i}`));
      expect(t?.branch).toBe(`miyabi/t${i}/job`);
      expect(r.git(['rev-parse', '--abbrev-ref', 'HEAD'], t?.path).trim()).toBe(t?.branch);
      expect(r.git(['status', '--porcelain'], t?.path)).toBe('');
      expect(r.read('src/d3/f3.txt', t?.path ?? '')).toBe(r.read('src/d3/f3.txt', c.path));
    }
    const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)] ?? NaN;
    console.log(`worktree with 600 files: create from scratch median ${med(created).toFixed(1)} ms ${JSON.stringify(created.map((x) => Math.round(x)))}, take from pool median ${med(taken).toFixed(1)} ms ${JSON.stringify(taken.map((x) => Math.round(x)))}`);
    expect(poolEntries(r.repo)).toHaveLength(1);
    const branches = r.git(['branch', '--list', 'miyabi-pool/*']).trim().split('\n');
    expect(branches).toHaveLength(1); // the placeholder branches were renamed, not left behind
    await cleanWorktrees(r.repo, { names: ['c0', 'c1', 'c2', 't0', 't1', 't2'] });
  });

  it('a pool filled at an older base is reset to the new base when taken', async () => {
    await fillPool({ repo: r.repo, root: r.root, size: 1 });
    r.write('later.txt', 'later\n');
    const later = r.commit('later');
    const w = await takeFromPool({ repo: r.repo, name: 'n1', root: r.root, base: 'main' });
    expect(w?.baseCommit).toBe(later);
    expect(r.git(['rev-parse', 'HEAD'], w?.path).trim()).toBe(later);
    expect(r.read('later.txt', w?.path ?? '')).toBe('later\n');
    await removeWorktree(r.repo, 'n1');
  });

  it('an empty pool gives null, and acquireWorktree then creates one', async () => {
    await drainPool(r.repo);
    expect(poolEntries(r.repo)).toEqual([]);
    expect(await takeFromPool({ repo: r.repo, name: 'e1', root: r.root })).toBeNull();
    const w = await acquireWorktree({ repo: r.repo, name: 'e1', root: r.root });
    expect(w.fromPool).toBe(false);
    await fillPool({ repo: r.repo, root: r.root, size: 1 });
    const v = await acquireWorktree({ repo: r.repo, name: 'e2', root: r.root });
    expect(v.fromPool).toBe(true);
    await removeWorktree(r.repo, 'e1');
    await removeWorktree(r.repo, 'e2');
    expect(await drainPool(r.repo)).toEqual([]);
    expect((await listWorktrees(r.repo)).length).toBe(1);
    expect(existsSync(join(r.root, '.pool'))).toBe(true);
    expect(r.git(['branch', '--list', 'miyabi*'])).toBe('');
  });
});
