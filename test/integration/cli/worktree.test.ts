import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createWorktree } from '../../../src/git/worktrees.js';
import { makeProject, type TestProject } from '../../helpers/project.js';

let p: TestProject | undefined;
afterEach(async () => {
  await p?.cleanup();
  p = undefined;
});

const git = (cwd: string, ...a: string[]) => execFileSync('git', ['-c', 'user.email=t@t.invalid', '-c', 'user.name=t', ...a], { cwd, encoding: 'utf8' });

describe('miyabi worktree', () => {
  it('keeps a worktree that holds work, removes it with --force after archiving, and restores it whole', async () => {
    p = makeProject();
    const wtRoot = `${p.root}-wt`;
    const w = await createWorktree({ repo: p.root, name: 'a1', root: wtRoot });
    writeFileSync(join(w.path, 'README.md'), 'changed\n');
    writeFileSync(join(w.path, 'notes.txt'), 'untracked\n');
    const list = await p.miyabi(['worktree', 'list']);
    expect(list.stdout).toContain('agent a1');

    const keep = await p.miyabi(['worktree', 'clean']);
    expect(keep.exitCode).toBe(1);
    expect(keep.stdout).toContain('kept a1');
    expect(keep.stdout).toMatch(/README\.md/);
    expect(keep.stdout).toMatch(/notes\.txt/);
    expect(existsSync(w.path)).toBe(true);

    const gone = await p.miyabi(['worktree', 'clean', '--force']);
    expect(gone.exitCode).toBe(0);
    expect(gone.stdout).toMatch(/removed a1 \(kept as refs\/miyabi\/archive\/a1\//);
    expect(existsSync(w.path)).toBe(false);

    const back = await p.miyabi(['worktree', 'restore', 'a1']);
    expect(back.exitCode, back.stderr).toBe(0);
    expect(readFileSync(join(w.path, 'README.md'), 'utf8')).toBe('changed\n');
    expect(readFileSync(join(w.path, 'notes.txt'), 'utf8')).toBe('untracked\n');
    rmSync(wtRoot, { recursive: true, force: true });
  });

  it('refuses, even with --force, to remove what no archive can keep: ignored files and inner repositories', async () => {
    p = makeProject();
    const wtRoot = `${p.root}-wt`;
    const w = await createWorktree({ repo: p.root, name: 'a2', root: wtRoot });
    writeFileSync(join(w.path, '.gitignore'), 'secrets.local\nnode_modules/\n');
    git(w.path, 'add', '.gitignore');
    git(w.path, 'commit', '-qm', 'ignore');
    writeFileSync(join(w.path, 'secrets.local'), 'token\n');
    execFileSync('mkdir', ['-p', join(w.path, 'node_modules', 'x')]);
    writeFileSync(join(w.path, 'node_modules', 'x', 'index.js'), '');
    execFileSync('git', ['init', '-q', join(w.path, 'inner')]);
    const r = await p.miyabi(['worktree', 'clean', '--force']);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('kept a2');
    expect(r.stdout).toContain('secrets.local (ignored by git)');
    expect(r.stdout).toContain('inner/ (a git repository)');
    expect(r.stdout).not.toContain('node_modules');
    expect(readFileSync(join(w.path, 'secrets.local'), 'utf8')).toBe('token\n');
    rmSync(wtRoot, { recursive: true, force: true });
  });

  it('doctor reports a worktree miyabi does not own and never removes it', async () => {
    p = makeProject();
    const other = `${p.root}-theirs`;
    git(p.root, 'worktree', 'add', '-q', '-b', 'theirs', other);
    const d = await p.miyabi(['doctor', '--json']);
    const checks = JSON.parse(d.stdout) as { level: string; what: string; fix?: string }[];
    expect(checks.find((c) => c.what.includes(other))).toMatchObject({ level: 'warn', fix: expect.stringContaining('git worktree remove') });
    const clean = await p.miyabi(['worktree', 'clean', '--force']);
    expect(clean.stdout).toContain('no miyabi worktrees to clean');
    expect(existsSync(other)).toBe(true);
    rmSync(other, { recursive: true, force: true });
  });

  it('refuses an unknown action with exit 2', async () => {
    p = makeProject();
    const r = await p.miyabi(['worktree', 'explode']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('one of: list, prune, clean, restore, archives');
  });
});
