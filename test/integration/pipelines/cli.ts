/** A temp git project and the built `miyabi` CLI (dist/) run in it. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { builtEntry } from '../../helpers/built-entry.js';

export const BIN = path.resolve(import.meta.dirname, '..', '..', '..', 'bin', 'miyabi.js');

export interface Project {
  root: string;
  write(rel: string, text: string): string;
  miyabi(args: string[], env?: Record<string, string>): Promise<{ exitCode: number; stdout: string; stderr: string }>;
  spawn(args: string[], env?: Record<string, string>): ResultPromise;
  cleanup(): void;
}

export function project(branch = 'main'): Project {
  builtEntry('cli/main.js', ['cli', 'pipelines', 'config', 'core']);
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'miyabi-pl-it-')));
  execFileSync('git', ['init', '-q', '-b', branch], { cwd: root });
  const baseEnv = { MIYABI_TMUX_SOCKET: `miyabi-pl-${process.pid}`, MIYABI_SUPERVISE: '0', CARGO_NET_OFFLINE: 'true', CARGO_TERM_COLOR: 'never' };
  return {
    root,
    write: (rel, text) => {
      const p = path.join(root, rel);
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(p, text);
      return p;
    },
    miyabi: async (args, env = {}) => {
      const r = await execa(process.execPath, [BIN, ...args], { cwd: root, env: { ...baseEnv, ...env }, reject: false, stdin: 'ignore', timeout: 60_000 });
      return { exitCode: r.exitCode ?? 1, stdout: String(r.stdout), stderr: String(r.stderr) };
    },
    spawn: (args, env = {}) => execa(process.execPath, [BIN, ...args], { cwd: root, env: { ...baseEnv, ...env }, reject: false, stdin: 'ignore' }),
    cleanup: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}

export async function until<T>(f: () => T | Promise<T>, ms = 20_000): Promise<NonNullable<T>> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error('condition not met before the deadline');
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export interface RunJson {
  id: string;
  pipeline: string;
  status: string;
  resumes: number;
  stages: { name: string; outcome: string; attempts: number; durationMs: number | null; escalated?: boolean; error?: string }[];
}

/**
 * The pipeline the run tests use: `first` counts its runs in first.count, `second` runs `slow`
 * (which writes its pids to slow.pid and holds the stage as the test needs), `third` passes.
 */
export const SLOW_PIPELINE = `name: slow
stages:
  - { name: first, skill: test, actions: [count] }
  - { name: second, skill: test, actions: [slow], retries: 0 }
  - { name: third, skill: test, actions: [ok] }
`;

export function slowSkill(slow: string): string {
  return `name: test
actions:
  count: "/bin/sh -c 'echo ran >> first.count'"
  slow: "/bin/sh -c '${slow}'"
  ok: "true"
`;
}
