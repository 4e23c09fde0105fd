import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { paneEnv } from '../../src/agents/session-spec.js';
import { pathWith, writeMiyabiShim } from '../../src/session/miyabi-shim.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('the miyabi shim on every pane\'s PATH', () => {
  it('runs the given node and bin with the arguments as they were, whatever the paths hold', () => {
    dir = mkdtempSync(join(tmpdir(), 'miyabi-shim-'));
    const bin = join(dir, "it's a $bin `x`.mjs");
    writeFileSync(bin, 'process.stdout.write(JSON.stringify(process.argv.slice(2)))');
    const shim = writeMiyabiShim(join(dir, 'bin'), { node: process.execPath, bin });
    expect(statSync(shim).mode & 0o777).toBe(0o700);
    const out = execFileSync(shim, ['done', 'a b', "c'd", '$HOME'], { encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual(['done', 'a b', "c'd", '$HOME']);
  });

  it('comes first on PATH, once, after the layout\'s own env', () => {
    expect(pathWith('/p/bin', '/usr/bin:/p/bin:/bin')).toBe('/p/bin:/usr/bin:/bin');
    expect(pathWith('/p/bin', undefined)).toBe('/p/bin:/usr/local/bin:/usr/bin:/bin');
    const layout = { source: 'x', session: 's', root: '/r', env: { PATH: '/layout/bin' }, windows: [] };
    const pane = { name: 'a1', role: 'agent' as const, command: { kind: 'default' as const, argv: ['sh'] }, cwd: '/r', env: {} };
    const env = paneEnv(layout, pane, { root: '/r', tmuxSocket: 't', ipcSocket: '/s', baseEnv: { PATH: '/usr/bin' }, binDir: '/r/.miyabi/run/bin' });
    expect(env.PATH).toBe('/r/.miyabi/run/bin:/layout/bin');
  });
});
