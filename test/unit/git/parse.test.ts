import { describe, expect, it } from 'vitest';
import { withoutTrace } from '../../../src/git/client.js';
import { parseStatus } from '../../../src/git/parse/status.js';
import { parseWorktreeList } from '../../../src/git/parse/worktree-list.js';
import { describeLosses, hasLosses, type WorktreeInspection } from '../../../src/git/worktrees-inspect.js';
import { defaultWorktreesRoot, renderBranch } from '../../../src/git/worktrees-paths.js';

// Recorded from git 2.39 (`git worktree list --porcelain -z`).
const LIST_Z = [
  'worktree /tmp/wtx/r', 'HEAD c140ef79211c0812a1d019ca7f8c7118d8051573', 'branch refs/heads/main', '',
  'worktree /tmp/wtx/w1', 'HEAD c140ef79211c0812a1d019ca7f8c7118d8051573', 'branch refs/heads/x', '',
  'worktree /tmp/wtx/w2', 'HEAD c140ef79211c0812a1d019ca7f8c7118d8051573', 'detached', 'locked hi there', '',
  'worktree /tmp/wtx/w3/z', 'HEAD c140ef79211c0812a1d019ca7f8c7118d8051573', 'branch refs/heads/y', 'prunable gitdir file points to non-existent location', '',
].join('\0');

describe('parseWorktreeList', () => {
  it('reads branch, detached, locked and prunable entries', () => {
    const l = parseWorktreeList(LIST_Z, '\0');
    expect(l.map((w) => [w.path, w.branch, w.detached, w.locked, w.prunable])).toEqual([
      ['/tmp/wtx/r', 'main', false, null, null],
      ['/tmp/wtx/w1', 'x', false, null, null],
      ['/tmp/wtx/w2', null, true, 'hi there', null],
      ['/tmp/wtx/w3/z', 'y', false, null, 'gitdir file points to non-existent location'],
    ]);
  });

  it('reads the newline format the same, and a bare entry', () => {
    expect(parseWorktreeList(LIST_Z.replaceAll('\0', '\n'), '\n')).toEqual(parseWorktreeList(LIST_Z, '\0'));
    expect(parseWorktreeList('worktree /srv/r.git\nbare\n\n', '\n')).toEqual([
      { path: '/srv/r.git', head: null, branch: null, detached: false, bare: true, locked: null, prunable: null },
    ]);
  });

  it('keeps a path with spaces and newlines whole in -z output', () => {
    expect(parseWorktreeList('worktree /tmp/a b\nc\0HEAD 1\0detached\0\0', '\0')[0]?.path).toBe('/tmp/a b\nc');
  });
});

describe('parseStatus', () => {
  it('splits staged, unstaged, untracked and conflicted paths', () => {
    const text = ['M  staged.txt', ' M README.md', 'MM both.txt', ' D gone.txt', 'A  added.txt', '?? notes/idea.txt', 'UU conflict.txt', 'AA both-added.txt', '!! ignored', ''].join('\0');
    expect(parseStatus(text)).toEqual({
      staged: ['staged.txt', 'both.txt', 'added.txt'],
      unstaged: ['README.md', 'both.txt', 'gone.txt'],
      untracked: ['notes/idea.txt'],
      conflicted: ['conflict.txt', 'both-added.txt'],
    });
  });
});

describe('describeLosses', () => {
  const none: WorktreeInspection = { path: '/w', branch: 'b', head: 'h', missing: false, staged: [], unstaged: [], untracked: [], conflicted: [], commits: [], operation: null, mergeHeads: [], unarchivable: [] };
  it('says nothing for a clean worktree', () => {
    expect(hasLosses(none)).toBe(false);
    expect(describeLosses(none)).toEqual([]);
  });
  it('names each kind of loss, with counts and the first few paths', () => {
    const i = {
      ...none,
      unstaged: ['a', 'b', 'c', 'd', 'e', 'f', 'g'],
      untracked: ['n.txt'],
      commits: [{ sha: '0123456789abcdef', subject: 'work' }],
      operation: 'rebase',
    };
    expect(hasLosses(i)).toBe(true);
    expect(describeLosses(i)).toEqual([
      '7 modified files not staged: a, b, c, d, e, … (2 more)',
      '1 untracked file: n.txt',
      '1 commit not merged into the base or any other branch: 0123456 work',
      'a rebase in progress',
    ]);
  });
});

describe('names and folders', () => {
  it('renders the branch template, with "work" for no task', () => {
    expect(renderBranch('miyabi/<agent>/<task>', 'a1', 't7')).toBe('miyabi/a1/t7');
    expect(renderBranch('miyabi/<agent>/<task>', 'a1', undefined)).toBe('miyabi/a1/work');
    expect(renderBranch('agents/<agent>', 'a1', 't7')).toBe('agents/a1');
  });
  it('puts worktrees in a hidden folder beside the repository', () => {
    expect(defaultWorktreesRoot('/home/me/proj')).toBe('/home/me/.proj-miyabi-worktrees');
  });
  it('drops git trace lines from error text', () => {
    const text = '10:06:01.123456 git.c:460               trace: built-in: git show-ref\nfatal: bad ref\n';
    expect(withoutTrace(text)).toBe('fatal: bad ref');
  });
});
