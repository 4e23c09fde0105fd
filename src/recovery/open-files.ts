import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/**
 * The conversation id a running CLI tells by the file it holds open (Codex keeps its rollout
 * `sessions/…/rollout-<time>-<id>.jsonl` open while it runs): the first open file of `pid` or one
 * of its descendants (a launcher script starts the real binary) whose path matches `re` (its `id`
 * group, or group 1). Exact for two agents sharing one HOME, where a shared index file cannot say
 * whose a new id is. Linux only (/proc); null elsewhere or when none is open yet.
 */
export function idFromOpenFiles(pid: number, re: RegExp): string | null {
  for (const p of descendants(pid)) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${p}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${p}/fd/${fd}`);
      } catch {
        continue;
      }
      const m = re.exec(target);
      const id = m?.groups?.id ?? m?.[1];
      if (id) return id;
    }
  }
  return null;
}

/** `pid` and every process under it, from /proc/<n>/stat's parent pid. */
function descendants(pid: number): number[] {
  const parent = new Map<number, number>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ")".
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parent.set(Number(e), ppid);
    } catch {
      // gone meanwhile
    }
  }
  const out = [pid];
  for (let i = 0; i < out.length; i++) for (const [c, pp] of parent) if (pp === out[i] && !out.includes(c)) out.push(c);
  return out;
}
