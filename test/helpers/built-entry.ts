import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * A spawned node process runs JavaScript, not the TypeScript vitest transforms, so end-to-end
 * tests run the built files under dist/. `npm test` builds first; when a file is missing or older
 * than the sources it comes from, this builds once more (tsc emits even when other parts of the
 * project do not type-check yet).
 */
export const REPO = resolve(import.meta.dirname, '..', '..');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

function withLock(lock: string, fn: () => void): void {
  mkdirSync(dirname(lock), { recursive: true });
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      const st = statSync(lock, { throwIfNoEntry: false });
      if (!st) continue;
      // A lock older than two minutes was left by a killed run.
      if (Date.now() - st.mtimeMs > 120_000 || Date.now() > deadline) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    }
  }
  try {
    fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** The absolute path of dist/<rel>, built from src/<srcDir> if it is missing or stale. */
export function builtEntry(rel: string, srcDirs: string[]): string {
  const out = join(REPO, 'dist', rel);
  const stale = () =>
    !existsSync(out) || srcDirs.some((d) => newestMtime(join(REPO, 'src', d)) > statSync(out).mtimeMs);
  if (stale()) {
    // Test files run in parallel workers: one builds, the others wait and then find it fresh.
    withLock(join(REPO, 'dist', '.e2e-build.lock'), () => {
      if (!stale()) return;
      try {
        execFileSync(
          process.execPath,
          [join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
          { cwd: REPO, stdio: 'ignore' },
        );
      } catch {
        // Type errors elsewhere in the project still emit; the check below is what matters.
      }
    });
  }
  if (!existsSync(out)) throw new Error(`${out} is missing; run npx tsc -p tsconfig.build.json`);
  return out;
}
