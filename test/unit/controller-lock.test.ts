import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireLock, pidAlive } from '../../src/core/instance-lock.js';

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
});
