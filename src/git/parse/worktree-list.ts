/** Parses `git worktree list --porcelain [-z]` (git-worktree(1), "Porcelain Format"). */

export interface GitWorktreeEntry {
  path: string;
  /** The commit checked out; null in a bare repository's entry. */
  head: string | null;
  /** Short branch name (`miyabi/a1/work`), or null when detached or bare. */
  branch: string | null;
  detached: boolean;
  bare: boolean;
  /** The lock reason ('' when locked without one), or null when not locked. */
  locked: string | null;
  /** Why git would prune it (its folder is gone), or null. */
  prunable: string | null;
}

/** `sep` is '\0' for `-z` output, '\n' for the plain porcelain format. */
export function parseWorktreeList(text: string, sep: '\0' | '\n' = '\0'): GitWorktreeEntry[] {
  const out: GitWorktreeEntry[] = [];
  let cur: GitWorktreeEntry | null = null;
  for (const line of text.split(sep)) {
    if (line === '') {
      if (cur) out.push(cur);
      cur = null;
      continue;
    }
    const sp = line.indexOf(' ');
    const key = sp < 0 ? line : line.slice(0, sp);
    const value = sp < 0 ? '' : line.slice(sp + 1);
    if (key === 'worktree') {
      if (cur) out.push(cur);
      cur = { path: value, head: null, branch: null, detached: false, bare: false, locked: null, prunable: null };
      continue;
    }
    if (!cur) continue;
    if (key === 'HEAD') cur.head = value;
    else if (key === 'branch') cur.branch = value.startsWith('refs/heads/') ? value.slice('refs/heads/'.length) : value;
    else if (key === 'detached') cur.detached = true;
    else if (key === 'bare') cur.bare = true;
    else if (key === 'locked') cur.locked = value;
    else if (key === 'prunable') cur.prunable = value;
  }
  if (cur) out.push(cur);
  return out;
}
