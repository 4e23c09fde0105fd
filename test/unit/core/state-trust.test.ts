import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inspectState, ownedRecordDir } from '../../../src/core/state-trust.js';

let box: string;
let env: NodeJS.ProcessEnv;
beforeEach(() => {
  box = mkdtempSync(join(tmpdir(), 'miyabi-trust-'));
  env = { XDG_STATE_HOME: join(box, 'xdg') };
  mkdirSync(join(box, 'p'));
});
afterEach(() => rmSync(box, { recursive: true, force: true }));

describe('B15 (unit): which .miyabi/ is ours', () => {
  it('absent is absent; created whole with a token whose record lives outside; found again', () => {
    const root = join(box, 'p');
    expect(inspectState(root, { env }).state).toBe('absent');
    const made = inspectState(root, { env, create: true });
    expect(made).toMatchObject({ state: 'trusted', created: true });
    const token = readFileSync(join(root, '.miyabi', 'owner'), 'utf8').trim();
    expect(readFileSync(join(ownedRecordDir(env), token), 'utf8')).toBe(`${root}\n`);
    expect(inspectState(root, { env })).toMatchObject({ state: 'trusted', token, created: false });
  });

  it('a copy (cp -r) stays trusted on this machine; the same folder on another machine (no record) does not', () => {
    const root = join(box, 'p');
    inspectState(root, { env, create: true });
    cpSync(root, join(box, 'copy'), { recursive: true });
    expect(inspectState(join(box, 'copy'), { env }).state).toBe('trusted');
    expect(inspectState(root, { env: { XDG_STATE_HOME: join(box, 'other') } }).state).toBe('untrusted');
  });

  it('no token, a malformed one, a symlinked owner or state folder: untrusted, saying what was found', () => {
    const root = join(box, 'p');
    mkdirSync(join(root, '.miyabi'), { mode: 0o700 });
    const why = () => {
      const r = inspectState(root, { env });
      return r.state === 'untrusted' ? r.error.message : r.state;
    };
    expect(why()).toContain('it has no owner token');
    writeFileSync(join(root, '.miyabi', 'owner'), 'nope\n');
    expect(why()).toContain('malformed');
    rmSync(join(root, '.miyabi', 'owner'));
    symlinkSync('/etc/hostname', join(root, '.miyabi', 'owner'));
    expect(why()).toContain('symbolic link');
    rmSync(join(root, '.miyabi'), { recursive: true });
    inspectState(root, { env, create: true });
    symlinkSync(box, join(root, '.miyabi', 'journal'));
    expect(why()).toContain('.miyabi/journal is a symbolic link');
  });

  it('creating again finds the one folder and its token (the concurrent case is covered by two ups at once in up-down)', async () => {
    const root = join(box, 'p');
    const rs = await Promise.all([0, 1, 2, 3].map(async () => inspectState(root, { env, create: true })));
    expect(rs.every((r) => r.state === 'trusted')).toBe(true);
    expect(new Set(rs.map((r) => (r.state === 'trusted' ? r.token : '')))).toHaveProperty('size', 1);
  });
});
