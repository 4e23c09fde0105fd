import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cachedTmuxVersion } from '../../../src/tmux/version-cache.js';

let dir: string;
let env: NodeJS.ProcessEnv;
const savedPath = process.env.PATH;

/** A `tmux` on PATH that prints `version` and counts how often it was asked. */
function fakeTmux(version: string): void {
  const script = join(dir, 'bin', 'tmux');
  writeFileSync(script, `#!/bin/sh\necho x >> ${join(dir, 'asked')}\necho 'tmux ${version}'\n`);
  chmodSync(script, 0o755);
}
const asked = () => readFileSync(join(dir, 'asked'), 'utf8').split('\n').filter(Boolean).length;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'miyabi-tmuxv-'));
  writeFileSync(join(dir, 'asked'), '');
  mkdirSync(join(dir, 'bin'));
  // readTmuxVersion runs `tmux` from this process's PATH: the fake one first.
  process.env.PATH = `${join(dir, 'bin')}:${savedPath}`;
  env = { ...process.env, XDG_STATE_HOME: join(dir, 'state') };
});
afterEach(() => {
  process.env.PATH = savedPath;
  rmSync(dir, { recursive: true, force: true });
});

describe('cachedTmuxVersion', () => {
  it('asks a tmux binary once, and again once the binary changes', async () => {
    fakeTmux('3.4');
    expect((await cachedTmuxVersion(3000, env)).raw).toBe('tmux 3.4');
    expect((await cachedTmuxVersion(3000, env)).raw).toBe('tmux 3.4');
    expect(asked()).toBe(1);
    fakeTmux('3.5a'); // an upgrade: another size and mtime
    expect((await cachedTmuxVersion(3000, env)).raw).toBe('tmux 3.5a');
    expect(asked()).toBe(2);
  });

  it('caches what tmux printed, an old one too (the adapter refuses it, cached or not)', async () => {
    fakeTmux('2.9');
    expect((await cachedTmuxVersion(3000, env)).major).toBe(2);
    expect((await cachedTmuxVersion(3000, env)).minor).toBe(9);
    expect(asked()).toBe(1);
  });
});
