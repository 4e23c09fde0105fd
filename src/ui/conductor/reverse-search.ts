/**
 * Ctrl-R in the conductor, as bash and zsh have it: type to find the newest history line holding
 * the text, Ctrl-R again for an older one, Enter runs it, Esc or an arrow keeps it for editing,
 * Ctrl-G puts back what was being typed. Node's readline has no such search, so its key handler is
 * wrapped: keys go to the search while it is open and to readline otherwise.
 */
import type { Interface } from 'node:readline';

/** Index (in `history`, newest first) of the first line at or after `from` that holds `query`; -1 if none. */
export function searchHistory(history: readonly string[], query: string, from = 0): number {
  if (query === '') return -1;
  for (let i = Math.max(0, from); i < history.length; i++) if (history[i]?.includes(query)) return i;
  return -1;
}

interface Key { name?: string; ctrl?: boolean; meta?: boolean; sequence?: string }

/** readline's own fields this relies on (present since Node 10; not in @types/node). */
interface ReadlineInternals {
  line: string;
  cursor: number;
  history: string[];
  _ttyWrite(s: string | undefined, key: Key | undefined): void;
  _refreshLine(): void;
}

export function searchPrompt(query: string, failing: boolean): string {
  return `(${failing ? 'failing ' : ''}reverse-i-search)\`${query}': `;
}

/** Adds Ctrl-R to a terminal readline whose normal prompt is `prompt`. Returns whether a search is open. */
export function installReverseSearch(rl: Interface, prompt: string): () => boolean {
  const r = rl as unknown as ReadlineInternals;
  const readlineKey = r._ttyWrite.bind(r);
  let s: { query: string; at: number; failing: boolean; saved: string } | null = null;

  const draw = () => {
    if (!s) return;
    const hit = s.at >= 0 ? (r.history[s.at] ?? '') : '';
    rl.setPrompt(searchPrompt(s.query, s.failing));
    r.line = hit;
    r.cursor = hit ? Math.max(0, hit.indexOf(s.query)) : 0;
    r._refreshLine();
  };
  /** Ends the search: the found line stays (keep) or what was typed before comes back. */
  const close = (keep: boolean) => {
    if (!s) return;
    const line = keep ? r.line : s.saved;
    s = null;
    rl.setPrompt(prompt);
    r.line = line;
    r.cursor = line.length;
    r._refreshLine();
  };
  const find = (from: number) => {
    if (!s) return;
    const at = searchHistory(r.history, s.query, from);
    // Like bash: a query with no match keeps the last match on screen and says "failing".
    if (at >= 0) s.at = at;
    s.failing = at < 0 && s.query !== '';
  };

  r._ttyWrite = (ch, key) => {
    if (!s) {
      if (key?.ctrl && key.name === 'r') {
        s = { query: '', at: -1, failing: false, saved: r.line };
        draw();
        return;
      }
      readlineKey(ch, key);
      return;
    }
    if (key?.ctrl && key.name === 'r') {
      find(s.at + 1);
      draw();
    } else if (key?.ctrl && key.name === 'g') {
      close(false);
    } else if (key?.ctrl && key.name === 'c') {
      close(false);
      readlineKey(ch, key);
    } else if (key?.name === 'backspace') {
      s.query = s.query.slice(0, -1);
      s.at = -1;
      find(0);
      draw();
    } else if (key?.name === 'escape') {
      close(true);
    } else if (ch !== undefined && !key?.ctrl && !key?.meta && /^[^\x00-\x1f\x7f]+$/.test(ch)) {
      s.query += ch;
      // A longer query still matches the line shown if it can: search from there, as bash does.
      find(Math.max(0, s.at));
      draw();
    } else {
      // Enter runs the found line; an arrow, Home, C-a… keeps it and does what it does.
      close(true);
      readlineKey(ch, key);
    }
  };
  return () => s !== null;
}
