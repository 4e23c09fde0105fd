/** Temporary project folders for config tests (mkdtemp, removed after each test). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';

const made: string[] = [];

afterEach(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A new empty project folder (realpath'd, so macOS /var → /private/var cannot confuse asserts). */
export function tempProject(prefix = 'miyabi-config-'): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  made.push(dir);
  return dir;
}

/** Writes `rel` under `root` (creating folders) and returns its absolute path. */
export function writeFile(root: string, rel: string, content: string | Uint8Array): string {
  const abs = path.join(root, rel);
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  fs.writeFileSync(abs, content);
  return abs;
}

export const MIYABI_BIN = '/opt/miyabi/bin/miyabi.js';

/** A fixed environment so tests never depend on the runner's. */
export function testEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { HOME: '/home/tester', SHELL: '/bin/bash', PATH: '/usr/bin:/bin', ...extra };
}
