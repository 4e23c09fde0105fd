/** The checked-out branch of a work tree, read from `.git/HEAD` (no git process); "" when detached or not git. */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export function currentBranch(dir: string): string {
  let d = path.resolve(dir);
  for (;;) {
    const dotGit = path.join(d, '.git');
    try {
      let gitDir = dotGit;
      if (statSync(dotGit).isFile()) {
        // A linked worktree: ".git" is a file "gitdir: <path>".
        const m = /^gitdir:\s*(.+)$/m.exec(readFileSync(dotGit, 'utf8'));
        if (!m) return '';
        gitDir = path.resolve(d, (m[1] as string).trim());
      }
      const head = readFileSync(path.join(gitDir, 'HEAD'), 'utf8').trim();
      const ref = /^ref: refs\/heads\/(.+)$/.exec(head);
      return ref ? (ref[1] as string) : '';
    } catch {
      const up = path.dirname(d);
      if (up === d) return '';
      d = up;
    }
  }
}
