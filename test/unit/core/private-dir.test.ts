import { chmodSync, mkdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MiyabiError } from '../../../src/core/errors.js';
import { FaultyFs } from '../../../src/core/faulty-fs.js';
import { ensurePrivateDir } from '../../../src/core/private-dir.js';
import { useTmpRoot } from './tmp-root.js';

const tmp = useTmpRoot();
const mode = (p: string) => statSync(p).mode & 0o777;

function refusal(fn: () => unknown): MiyabiError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(MiyabiError);
    expect((e as MiyabiError).code).toBe('UNSAFE_PATH');
    return e as MiyabiError;
  }
  throw new Error('not refused');
}

describe('ensurePrivateDir', () => {
  it('creates a missing directory (and its parents) with mode 0700', () => {
    const p = join(tmp.path, 'a', 'b', '.miyabi');
    expect(ensurePrivateDir(p)).toEqual({ created: true, fixedMode: null });
    expect(mode(p)).toBe(0o700);
    expect(ensurePrivateDir(p)).toEqual({ created: false, fixedMode: null });
  });

  it('gets exactly 0700 whatever the umask', () => {
    const old = process.umask(0o277);
    try {
      const p = join(tmp.path, 'umask');
      ensurePrivateDir(p);
      expect(mode(p)).toBe(0o700);
    } finally {
      process.umask(old);
    }
  });

  it('chmods our own 0777 directory back to 0700', () => {
    const p = join(tmp.path, 'open');
    mkdirSync(p);
    chmodSync(p, 0o777);
    expect(ensurePrivateDir(p)).toEqual({ created: false, fixedMode: 0o777 });
    expect(mode(p)).toBe(0o700);
  });

  it('refuses a symlink, even to a good directory, and leaves the target alone', () => {
    const target = join(tmp.path, 'target');
    mkdirSync(target, { mode: 0o755 });
    chmodSync(target, 0o755);
    const link = join(tmp.path, 'link');
    symlinkSync(target, link);
    const err = refusal(() => ensurePrivateDir(link));
    expect(err.message).toBe(`${link} is a symbolic link (to ${target}), not a directory`);
    expect(err.hint).toContain(`rm ${link}`);
    expect(mode(target)).toBe(0o755);
  });

  it('refuses a file in the way', () => {
    const p = join(tmp.path, 'file');
    writeFileSync(p, 'x');
    const err = refusal(() => ensurePrivateDir(p));
    expect(err.message).toBe(`${p} is a regular file, not a directory`);
    expect(err.hint).toContain('mv');
  });

  it("refuses another user's directory and does not chmod it", () => {
    const p = join(tmp.path, 'theirs');
    mkdirSync(p);
    chmodSync(p, 0o777);
    const me = statSync(p).uid + 1; // we play someone else
    const err = refusal(() => ensurePrivateDir(p, { uid: me }));
    expect(err.message).toBe(`${p} is owned by uid ${statSync(p).uid}, not by you (uid ${me})`);
    expect(mode(p)).toBe(0o777);
  });

  it('a failing chmod is refused with the fix in the hint, and leaks no descriptor', () => {
    const p = join(tmp.path, 'stuck');
    mkdirSync(p);
    chmodSync(p, 0o770);
    const fs = new FaultyFs(undefined, { only: ['fchmodSync'], failAt: 1, code: 'EPERM' });
    const err = refusal(() => ensurePrivateDir(p, { fs }));
    expect(err.message).toMatch(/has permissions 0770 and could not be changed to 0700/);
    expect(err.hint).toBe(`run: chmod 700 ${p}`);
    expect(fs.openFds.size).toBe(0);
  });
});
