import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pidAlive } from '../../../src/core/pid.js';
import { listPorts, portsFile } from '../../../src/git/ports.js';
import { builtEntry } from '../../helpers/built-entry.js';

const run = promisify(execFile);
let repo: string;
beforeEach(() => {
  repo = mkdtempSync(join(tmpdir(), 'miyabi-ports-race-'));
});
afterEach(() => rmSync(repo, { recursive: true, force: true }));

// Each worker takes a port for each of its names at once, then gives back every odd one.
const WORKER = `
const { allocatePort, releasePort } = await import(process.argv[1]);
const [repo, id, n] = process.argv.slice(2);
const names = Array.from({ length: Number(n) }, (_, i) => 'w' + id + '-' + i);
const range = { from: 20000, to: 20999 };
await Promise.all(names.map((name) => allocatePort(repo, name, { range, probe: false })));
await Promise.all(names.filter((_, i) => i % 2 === 1).map((name) => releasePort(repo, name)));
`;

describe('the ports file under many writers', () => {
  let ports = '';
  // A stale dist/ is rebuilt first, outside the test's own deadline (slow on a loaded machine).
  beforeAll(() => {
    ports = pathToFileURL(builtEntry('git/ports.js', ['git', 'core'])).href;
  }, 300_000);

  it('several processes allocating and releasing at once, over a stale lock, lose no update', async () => {
    // portsFile() makes .miyabi/ as miyabi does (with its owner token); the state folder is then ours.
    mkdirSync(join(portsFile(repo), '..'), { recursive: true });
    // A lock left by a dead process: every worker finds it stale at the same moment.
    let dead = 999_999;
    while (pidAlive(dead)) dead--;
    writeFileSync(`${portsFile(repo)}.lock`, `${dead}\n`);
    const workers = 4;
    const each = 12;
    await Promise.all(
      Array.from({ length: workers }, (_, id) => run(process.execPath, ['--input-type=module', '-e', WORKER, ports, repo, String(id), String(each)])),
    );
    const got = listPorts(repo);
    const kept = Array.from({ length: workers }, (_, id) => Array.from({ length: each }, (_, i) => (i % 2 === 0 ? `w${id}-${i}` : null))).flat();
    expect(Object.keys(got).sort()).toEqual(kept.filter((n): n is string => n !== null).sort());
    expect(new Set(Object.values(got)).size).toBe(Object.keys(got).length);
  }, 60_000);
});
