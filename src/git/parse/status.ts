/** Parses `git status --porcelain=v1 -z --no-renames --untracked-files=all` (git-status(1)). */

export interface StatusSummary {
  /** Paths with changes in the index (X column). */
  staged: string[];
  /** Tracked paths changed in the working tree but not staged (Y column). */
  unstaged: string[];
  untracked: string[];
  /** Paths with merge conflicts (DD AU UD UA DU AA UU). */
  conflicted: string[];
}

const CONFLICT = new Set(['DD', 'AU', 'UD', 'UA', 'DU', 'AA', 'UU']);

export function parseStatus(text: string): StatusSummary {
  const s: StatusSummary = { staged: [], unstaged: [], untracked: [], conflicted: [] };
  for (const rec of text.split('\0')) {
    if (rec.length < 4) continue;
    const xy = rec.slice(0, 2);
    const path = rec.slice(3);
    if (xy === '??') s.untracked.push(path);
    else if (xy === '!!') continue;
    else if (CONFLICT.has(xy)) s.conflicted.push(path);
    else {
      if (xy[0] !== ' ') s.staged.push(path);
      if (xy[1] !== ' ') s.unstaged.push(path);
    }
  }
  return s;
}
