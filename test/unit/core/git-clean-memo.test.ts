/**
 * git's answer about `.miyabi/` is asked again whenever the index may have changed, and never
 * taken from a memo for a repository whose layout it cannot see (issue #17).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { trackedStateFilesMemo } from '../../../src/core/git-clean-memo.js';
import { trackedStateFiles } from '../../../src/core/state-trust.js';

let box: string;
let root: string;
let stateDir: string;
let asked: number;
const env = {} as NodeJS.ProcessEnv;
const git = (...a: string[]) => execFileSync('git', a, { cwd: root, stdio: 'ignore' });
const ask = (r: string): string[] => {
  asked++;
  return trackedStateFiles(r);
};
const check = () => trackedStateFilesMemo(root, stateDir, ask, env);

beforeEach(() => {
  box = mkdtempSync(join(tmpdir(), 'miyabi-git-memo-'));
  root = join(box, 'p');
  stateDir = join(box, 'state');
  mkdirSync(join(root, '.miyabi', 'state'), { recursive: true });
  git('init', '-q');
  writeFileSync(join(root, 'a'), 'a');
  git('add', 'a');
  asked = 0;
});
afterEach(() => rmSync(box, { recursive: true, force: true }));

describe('the clean-index memo', () => {
  it('asks git once while the index stays as it was, again after it changes, and never keeps a tracked answer', () => {
    expect(check()).toEqual([]);
    expect(check()).toEqual([]);
    expect(asked).toBe(1);
    writeFileSync(join(root, '.miyabi', 'state', 'planted'), 'x');
    git('add', '-f', '.miyabi/state/planted');
    expect(check()).toEqual(['.miyabi/state/planted']);
    expect(check()).toEqual(['.miyabi/state/planted']);
    expect(asked).toBe(3);
    git('rm', '-q', '--cached', '.miyabi/state/planted');
    expect(check()).toEqual([]);
    expect(asked).toBe(4);
  });

  it('a plain repository with no index yet tracks nothing: git is not asked', () => {
    rmSync(join(root, '.git', 'index'));
    expect(check()).toEqual([]);
    expect(asked).toBe(0);
    writeFileSync(join(root, '.miyabi', 'state', 'planted'), 'x');
    git('add', '-f', '.miyabi/state/planted');
    expect(check()).toEqual(['.miyabi/state/planted']);
    expect(asked).toBe(1);
  });

  it('always asks where it cannot see the index: .git as a file, GIT_INDEX_FILE set', () => {
    check();
    expect(trackedStateFilesMemo(root, stateDir, ask, { GIT_INDEX_FILE: join(box, 'other-index') })).toEqual([]);
    expect(trackedStateFilesMemo(root, stateDir, ask, { GIT_INDEX_FILE: join(box, 'other-index') })).toEqual([]);
    expect(asked).toBe(3);
    const wt = join(box, 'wt');
    mkdirSync(wt);
    writeFileSync(join(wt, '.git'), `gitdir: ${join(root, '.git')}\n`);
    trackedStateFilesMemo(wt, stateDir, ask, env);
    trackedStateFilesMemo(wt, stateDir, ask, env);
    expect(asked).toBe(5);
  });
});
