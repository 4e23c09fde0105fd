/**
 * "Does git track anything under `.miyabi/`?" asked of git (`git ls-files`, a process start: about
 * a quarter of `miyabi emit`, and part of every controller start) once per state of the
 * project's index (issue #17). A clean answer is kept in miyabi's own state folder (never in the
 * project, where a clone could plant one) beside the index's identity: device, inode, size and
 * times, which every change to the index alters (git writes a new file and renames it over).
 * Only a plain repository is remembered (`.git` a folder, git's location variables unset); any
 * other asks git each time, and so does a project whose git tracks state files. A plain
 * repository with no index yet (`git init`, nothing added) tracks nothing: git is not asked.
 */
import { lstatSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';

const FILE = 'git-clean.json';
/** Projects remembered; the oldest go first. */
const MAX = 64;

/** The index's identity; 'none' when a plain repository has no index yet (git tracks nothing); null: ask git. */
function indexIdentity(root: string, env: NodeJS.ProcessEnv): string | null {
  if (env.GIT_DIR || env.GIT_INDEX_FILE || env.GIT_WORK_TREE || env.GIT_COMMON_DIR) return null;
  try {
    if (!lstatSync(join(root, '.git')).isDirectory()) return null;
  } catch {
    return null;
  }
  try {
    const s = statSync(join(root, '.git', 'index'), { bigint: true });
    return `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'none' : null;
  }
}

function readMemo(file: string): Record<string, string> {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, string>) : {};
  } catch {
    return {};
  }
}

/** `ask(root)` (git's answer), or [] without asking when git's index is as it was at a clean answer. */
export function trackedStateFilesMemo(root: string, stateDir: string, ask: (root: string) => string[], env: NodeJS.ProcessEnv = process.env): string[] {
  const id = indexIdentity(root, env);
  if (id === 'none') return [];
  const file = join(stateDir, FILE);
  if (id !== null && readMemo(file)[root] === id) return [];
  const tracked = ask(root);
  // Kept only when the index did not change while git read it.
  if (id === null || tracked.length > 0 || indexIdentity(root, env) !== id) return tracked;
  try {
    const memo = readMemo(file);
    delete memo[root];
    const kept = Object.entries(memo).slice(-(MAX - 1));
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    writeFileAtomic(file, JSON.stringify(Object.fromEntries([...kept, [root, id]])), { durable: false });
  } catch {
    // a read-only home only costs the next check a `git ls-files`
  }
  return tracked;
}
