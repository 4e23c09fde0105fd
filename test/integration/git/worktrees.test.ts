import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MiyabiError } from '../../../src/core/errors.js';
import {
  cleanWorktrees,
  createWorktree,
  inspectWorktree,
  listArchives,
  listWorktrees,
  pruneWorktrees,
  removeWorktree,
  restoreWorktree,
  unknownWorktrees,
  defaultWorktreesRoot,
} from '../../../src/git/worktrees.js';
import { makeRepo, type TestRepo } from './repo.js';

let r: TestRepo;
beforeEach(() => {
  r = makeRepo();
});
afterEach(() => r.cleanup());

async function rejection(p: Promise<unknown>): Promise<MiyabiError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(MiyabiError);
  return e as MiyabiError;
}

/** A worktree with a modified file, an untracked file and a commit on no other branch. */
async function dirty(name: string) {
  const wt = await createWorktree({ repo: r.repo, name, root: r.root });
  r.write('feature.txt', 'committed work\n', wt.path);
  const sha = r.commit('agent work', wt.path);
  r.write('README.md', 'hello, modified\n', wt.path);
  r.write('notes/idea.txt', 'untracked thought\n', wt.path);
  return { wt, sha };
}

describe('createWorktree', () => {
  it('makes four worktrees on their own branches in their own folders outside the main tree', async () => {
    const made = await Promise.all(['a1', 'a2', 'a3', 'a4'].map((name, i) => createWorktree({ repo: r.repo, name, root: r.root, task: `t${i}` })));
    expect(new Set(made.map((w) => w.path)).size).toBe(4);
    expect(new Set(made.map((w) => w.branch)).size).toBe(4);
    for (const [i, w] of made.entries()) {
      expect(w.path).toBe(join(r.root, w.name));
      expect(w.branch).toBe(`miyabi/${w.name}/t${i}`);
      expect(w.path.startsWith(`${r.repo}/`)).toBe(false);
      expect(r.git(['rev-parse', '--abbrev-ref', 'HEAD'], w.path).trim()).toBe(w.branch);
      expect(r.read('README.md', w.path)).toBe('hello\n');
      expect(w.env).toMatchObject({ MIYABI_AGENT: w.name, MIYABI_WORKTREE: w.path, MIYABI_BRANCH: w.branch });
    }
    const list = await listWorktrees(r.repo);
    expect(list).toHaveLength(5);
    expect(list[0]).toMatchObject({ main: true, owner: null, branch: 'main' });
    expect(list.slice(1).map((w) => w.owner)).toEqual(made.map((w) => ({ kind: 'agent', name: w.name })));
    expect(r.git(['status', '--porcelain'])).toBe(''); // the main tree sees none of it
  });

  it('defaults the folder to a hidden sibling of the repository', () => {
    expect(defaultWorktreesRoot('/src/proj')).toBe('/src/.proj-miyabi-worktrees');
  });

  it.each([
    ['a:b', /contains ":"/],
    ['a.b', /contains "\."/],
    ['../x', /contains "\."/],
    ['', /is empty/],
    ['a'.repeat(200), /200 characters long/],
  ])('refuses the name %j with a clear error', async (name, why) => {
    const e = await rejection(createWorktree({ repo: r.repo, name, root: r.root }));
    expect(e.code).toBe('NAME');
    expect(e.message).toMatch(/^worktree name /);
    expect(e.message).toMatch(why);
    expect(e.hint).toMatch(/lowercase letter/);
    expect(existsSync(r.root)).toBe(false);
    expect(r.git(['branch', '--list', 'miyabi/*'])).toBe('');
  });

  it('refuses a branch that exists, a base that does not, and a name already in use', async () => {
    r.git(['branch', 'miyabi/b1/work']);
    const e1 = await rejection(createWorktree({ repo: r.repo, name: 'b1', root: r.root }));
    expect(e1.message).toBe('branch miyabi/b1/work already exists');
    const e2 = await rejection(createWorktree({ repo: r.repo, name: 'b2', root: r.root, base: 'no-such-ref' }));
    expect(e2.code).toBe('NOT_FOUND');
    await createWorktree({ repo: r.repo, name: 'b3', root: r.root });
    const e3 = await rejection(createWorktree({ repo: r.repo, name: 'b3', root: r.root, task: 'other' }));
    expect(e3.message).toMatch(/"b3" already has a worktree at/);
    const e4 = await rejection(createWorktree({ repo: r.repo, name: 'b4', root: r.root, task: 'x..y' }));
    expect(e4.code).toBe('NAME');
    const e5 = await rejection(createWorktree({ repo: r.repo, name: 'b5', dir: join(r.repo, 'inside') }));
    expect(e5.code).toBe('UNSAFE_PATH');
  });

  it('starts from the given base', async () => {
    r.git(['checkout', '-qb', 'dev']);
    r.write('dev.txt', 'dev\n');
    const dev = r.commit('dev work');
    r.git(['checkout', '-q', 'main']);
    const w = await createWorktree({ repo: r.repo, name: 'c1', root: r.root, base: 'dev' });
    expect(w.baseCommit).toBe(dev);
    expect(r.read('dev.txt', w.path)).toBe('dev\n');
  });
});

describe('removing a worktree with work in it', () => {
  it('is refused without force, naming each thing that would be lost', async () => {
    const { wt, sha } = await dirty('d1');
    const e = await rejection(removeWorktree(r.repo, 'd1'));
    expect(e.detail?.kind).toBe('WORKTREE_DIRTY');
    expect(e.message).toContain('1 modified file not staged: README.md');
    expect(e.message).toContain('1 untracked file: notes/idea.txt');
    expect(e.message).toContain(`1 commit not merged into the base or any other branch: ${sha.slice(0, 7)} agent work`);
    expect(e.hint).toMatch(/--force/);
    expect(existsSync(join(wt.path, 'notes/idea.txt'))).toBe(true);

    const clean = await cleanWorktrees(r.repo);
    expect(clean.removed).toEqual([]);
    expect(clean.refused.map((x) => x.name)).toEqual(['d1']);
    expect(clean.refused[0]?.losses).toHaveLength(3);
    expect(r.read('README.md', wt.path)).toBe('hello, modified\n');
    expect((await listWorktrees(r.repo)).some((w) => w.owner?.kind === 'agent')).toBe(true);
  });

  it('with force is archived, removed, and restored whole', async () => {
    const { wt, sha } = await dirty('d2');
    r.write('staged.txt', 'staged\n', wt.path);
    r.git(['add', 'staged.txt'], wt.path);
    r.git(['rm', '-q', '.gitignore'], wt.path);
    const statusBefore = r.git(['status', '--porcelain'], wt.path);

    const gone = await removeWorktree(r.repo, 'd2', { force: true });
    expect(gone.archive.ref).toMatch(/^refs\/miyabi\/archive\/d2\/\d{8}T\d{9}Z$/);
    expect(existsSync(wt.path)).toBe(false);
    expect(gone.branchDeleted).toBe(true);
    expect(r.git(['branch', '--list', wt.branch ?? ''])).toBe('');
    expect((await listWorktrees(r.repo)).length).toBe(1);
    // every commit of the branch is behind the archive
    expect(r.git(['merge-base', '--is-ancestor', sha, gone.archive.ref]).trim()).toBe('');

    const back = await restoreWorktree(r.repo, 'd2');
    expect(back.path).toBe(wt.path);
    expect(back.branch).toBe(wt.branch);
    expect(r.git(['rev-parse', 'HEAD'], back.path).trim()).toBe(sha);
    expect(r.read('README.md', back.path)).toBe('hello, modified\n');
    expect(r.read('notes/idea.txt', back.path)).toBe('untracked thought\n');
    expect(r.read('feature.txt', back.path)).toBe('committed work\n');
    expect(r.git(['status', '--porcelain'], back.path)).toBe(statusBefore);
    expect((await listWorktrees(r.repo)).find((w) => w.path === back.path)?.owner).toEqual({ kind: 'agent', name: 'd2' });
  });

  it('keeps a merge in progress: conflicts, both sides of the merge', async () => {
    const wt = await createWorktree({ repo: r.repo, name: 'm1', root: r.root });
    r.write('README.md', 'ours\n', wt.path);
    r.commit('ours', wt.path);
    r.write('README.md', 'theirs\n');
    const theirs = r.commit('theirs');
    expect(() => r.git(['merge', '-q', 'main'], wt.path)).toThrow();
    const i = await inspectWorktree(r.repo, 'm1');
    expect(i.operation).toBe('merge');
    expect(i.conflicted).toEqual(['README.md']);
    expect(i.mergeHeads).toEqual([theirs]);
    const e = await rejection(removeWorktree(r.repo, 'm1'));
    expect(e.message).toContain('a merge in progress');
    expect(e.message).toContain('1 conflicted file: README.md');

    await removeWorktree(r.repo, 'm1', { force: true });
    const back = await restoreWorktree(r.repo, 'm1');
    expect(back.mergeHeads).toEqual([theirs]);
    expect(r.read('README.md', back.path)).toMatch(/<<<<<<<[^]*ours[^]*theirs[^]*>>>>>>>/);
  });

  it('a worktree with nothing to lose is removed without force, and is archived too', async () => {
    const wt = await createWorktree({ repo: r.repo, name: 'e1', root: r.root });
    const gone = await removeWorktree(r.repo, 'e1');
    expect(existsSync(wt.path)).toBe(false);
    expect((await listArchives(r.repo, 'e1')).map((a) => a.ref)).toEqual([gone.archive.ref]);
  });

  it('clean removes many in parallel, keeps the dirty ones, and force archives each', async () => {
    await Promise.all(['f1', 'f2', 'f3', 'f4', 'f5'].map((name) => createWorktree({ repo: r.repo, name, root: r.root })));
    await dirty('f6');
    const first = await cleanWorktrees(r.repo, { concurrency: 3 });
    expect(first.removed.map((x) => x.name)).toEqual(['f1', 'f2', 'f3', 'f4', 'f5']);
    expect(first.refused.map((x) => x.name)).toEqual(['f6']);
    expect(first.failed).toEqual([]);
    const second = await cleanWorktrees(r.repo, { force: true });
    expect(second.removed.map((x) => x.name)).toEqual(['f6']);
    expect((await listArchives(r.repo)).length).toBe(6);
    expect(r.git(['branch', '--list', 'miyabi/*'])).toBe('');
  });
});

describe('prune and unknown worktrees', () => {
  it('prune reports worktrees whose folders were deleted and forgets them', async () => {
    const wt = await createWorktree({ repo: r.repo, name: 'p1', root: r.root });
    await createWorktree({ repo: r.repo, name: 'p2', root: r.root });
    rmSync(wt.path, { recursive: true, force: true });
    expect((await listWorktrees(r.repo)).find((w) => w.path === wt.path)?.prunable).toBeTruthy();
    const res = await pruneWorktrees(r.repo);
    expect(res.pruned).toEqual([{ path: wt.path, branch: wt.branch, owner: { kind: 'agent', name: 'p1' } }]);
    expect(res.forgotten).toEqual(['p1']);
    expect((await listWorktrees(r.repo)).map((w) => w.owner?.kind === 'agent' && w.owner.name)).toEqual([false, 'p2']);
    expect(r.git(['branch', '--list', wt.branch ?? '']).trim()).toBe(wt.branch); // its commits stay
    expect((await pruneWorktrees(r.repo)).pruned).toEqual([]);
  });

  it('reports worktrees miyabi did not make, and never removes them', async () => {
    await createWorktree({ repo: r.repo, name: 'k1', root: r.root });
    const other = join(r.base, 'by-hand');
    r.git(['worktree', 'add', '-q', '-b', 'by-hand', other]);
    const unknown = await unknownWorktrees(r.repo);
    expect(unknown.map((w) => [w.path, w.branch])).toEqual([[other, 'by-hand']]);
    const res = await cleanWorktrees(r.repo, { force: true });
    expect(res.removed.map((x) => x.name)).toEqual(['k1']);
    expect(existsSync(other)).toBe(true);
    const e = await rejection(removeWorktree(r.repo, 'by-hand', { force: true }));
    expect(e.code).toBe('NOT_FOUND');
    expect((await inspectWorktree(r.repo, other)).branch).toBe('by-hand');
  });

  it('a folder deleted by hand still has its commits archived on forced removal', async () => {
    const { wt, sha } = await dirty('g1');
    rmSync(wt.path, { recursive: true, force: true });
    const i = await inspectWorktree(r.repo, 'g1');
    expect(i.missing).toBe(true);
    expect(i.commits.map((c) => c.sha)).toEqual([sha]);
    await expect(removeWorktree(r.repo, 'g1')).rejects.toThrow(/1 commit not merged/);
    const gone = await removeWorktree(r.repo, 'g1', { force: true });
    const back = await restoreWorktree(r.repo, 'g1', { ref: gone.archive.ref });
    expect(r.git(['rev-parse', 'HEAD'], back.path).trim()).toBe(sha);
  });
});
