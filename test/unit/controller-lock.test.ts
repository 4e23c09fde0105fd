import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireLock, handLock, pidAlive, readLock } from '../../src/core/instance-lock.js';

const BUILT = join(import.meta.dirname, '..', '..', 'dist', 'core', 'instance-lock.js');

/** A process that takes the lock as a controller started by `up` (pid `from`) does; its stdout and exit code. */
function taker(path: string, from: number): { pid: number; looking: Promise<void>; go: () => void; done: Promise<{ out: string; code: number | null }> } {
  const src = `import { acquireLock } from ${JSON.stringify(BUILT)};
process.stdout.write('looking\\n');
await new Promise((r) => process.stdin.once('data', r));
try { const l = acquireLock(${JSON.stringify(path)}, '/s', 'controller', ${from}); process.stdout.write('took ' + l.text); }
catch (e) { process.stdout.write('refused ' + e.message); }
process.exit(0);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', src], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  let looking = () => undefined as void;
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    if (out.startsWith('looking\n')) looking();
  });
  return {
    pid: child.pid!,
    go: () => child.stdin.write('go\n'),
    looking: new Promise<void>((r) => (looking = r)),
    done: new Promise((r) => child.on('close', (code) => r({ out: out.replace(/^looking\n/, ''), code }))),
  };
}

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the controller lock', () => {
  it('is taken once; a second taker is told who holds it', () => {
    dir = mkdtempSync(join(tmpdir(), 'miyabi-lock-'));
    const path = join(dir, 'controller.lock');
    const held = acquireLock(path, '/s');
    expect(() => acquireLock(path, '/s')).toThrow(new RegExp(`already running \\(pid ${process.pid}`));
    held.release();
    acquireLock(path, '/s').release();
  });

  it('takes over a lock left by a dead process, and a stale takeover file', () => {
    dir = mkdtempSync(join(tmpdir(), 'miyabi-lock-'));
    const path = join(dir, 'controller.lock');
    let dead = 999_999;
    while (pidAlive(dead)) dead--;
    writeFileSync(path, JSON.stringify({ pid: dead, startedAt: 0, socket: '/old' }));
    writeFileSync(`${path}.takeover`, String(dead));
    const l = acquireLock(path, '/new');
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ pid: process.pid, socket: '/new' });
    l.release();
  });

  it('is passed by `up` to the controller it started, which then holds it alone', async () => {
    dir = mkdtempSync(join(tmpdir(), 'miyabi-lock-'));
    const path = join(dir, 'controller.lock');
    const up = acquireLock(path, '/s');
    const c = taker(path, process.pid);
    await c.looking; // it takes the lock once told (session/handover.ts); here it is handed before it looks
    expect(handLock(path, up.text, c.pid, '/s')).toBe(true);
    c.go();
    const r = await c.done;
    expect(r.out).toMatch(/^took /);
    const theirs = JSON.parse(r.out.slice(5)) as { pid: number };
    expect(theirs.pid).toBe(c.pid);
    // The child's own record is in the file now; releasing ours removes nothing.
    expect(readLock(path)?.pid).toBe(c.pid);
    up.release();
    expect(readLock(path)?.pid).toBe(c.pid);
    // Nor can a process hand a lock that is not its own.
    expect(handLock(path, up.text, process.pid, '/s')).toBe(false);
  });

  it('handed to one process is not taken by another that claims the same `up`', async () => {
    dir = mkdtempSync(join(tmpdir(), 'miyabi-lock-'));
    const path = join(dir, 'controller.lock');
    const up = acquireLock(path, '/s');
    const other = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      expect(handLock(path, up.text, other.pid!, '/s')).toBe(true);
      const t = taker(path, process.pid);
      t.go();
      const r = await t.done;
      expect(r.out).toContain(`refused a controller is already running (pid ${other.pid}`);
    } finally {
      other.kill();
    }
  });
});
