/**
 * What the dashboard reads from the project's state folder itself, because it is already on disk
 * and asking the controller would only copy it: each agent's output log (the preview and the last
 * line) and its Maildir (messages queued and failed). Reads are small and bounded.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readTail } from '../../core/log-tail.js';
import { renderText } from '../../core/render-text.js';

/**
 * The last `n` lines of a log as its terminal showed them (reading at most `maxBytes` from its
 * end: raw logs carry colours and cursor moves, so more bytes a line); [] when absent.
 */
export function tailLines(file: string, n: number, maxBytes = 64 * 1024): string[] {
  let lines: string[];
  try {
    lines = renderText(readTail(file, maxBytes).text).split('\n');
  } catch {
    return [];
  }
  while (lines.length && lines[lines.length - 1]?.trim() === '') lines.pop();
  return lines.slice(-n);
}

/** The last line with something on it. */
export function lastLine(file: string): string {
  const lines = tailLines(file, 8, 4096);
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i]?.trim();
    if (l) return l;
  }
  return '';
}

function count(dir: string, pred: (name: string) => boolean): number {
  try {
    return readdirSync(dir).filter(pred).length;
  } catch {
    return 0;
  }
}

/** Messages waiting in the agent's Maildir (new/) and those marked failed (cur/, flag F). */
export function inboxCounts(busDir: string, agent: string): { queued: number; failed: number } {
  const box = join(busDir, agent);
  return {
    queued: count(join(box, 'new'), (n) => !n.startsWith('.')),
    failed: count(join(box, 'cur'), (n) => /:2,[A-Z]*F/.test(n)),
  };
}
