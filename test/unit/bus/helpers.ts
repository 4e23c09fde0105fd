import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach } from 'vitest';

export const REPO = resolve(import.meta.dirname, '..', '..', '..');
export const SEND_SH = join(REPO, 'scripts', 'miyabi-send.sh');

/** A fresh bus folder per test (`<tmp>/.miyabi/bus`), removed afterwards. */
export function useBus(): { root: string; bus: string } {
  const box = { root: '', bus: '' };
  beforeEach(() => {
    box.root = mkdtempSync(join(tmpdir(), 'miyabi-bus-'));
    box.bus = join(box.root, '.miyabi', 'bus');
  });
  afterEach(() => {
    rmSync(box.root, { recursive: true, force: true });
  });
  return box;
}

export function ls(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a real process to its end (no timers); stdin is written and closed when given. */
export function run(cmd: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; input?: Buffer | string } = {}): Promise<RunResult> {
  return new Promise((res, rej) => {
    const child = spawn(cmd, args, { env: options.env ?? process.env, cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', rej);
    child.on('close', (code) => res({ code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }));
    child.stdin.on('error', () => {}); // the script may exit before reading everything
    if (options.input !== undefined) child.stdin.end(options.input);
    else child.stdin.end();
  });
}
