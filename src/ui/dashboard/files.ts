/**
 * What the dashboard reads from the project's state folder itself, because it is already on disk
 * and asking the controller would only copy it: each agent's output log (the preview and the last
 * line) and its Maildir (messages queued and failed). Reads are small and bounded.
 */
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { renderText } from '../../core/render-text.js';

/**
 * The last `n` lines of a log as its terminal showed them (reading at most `maxBytes` from its
 * end: raw logs carry colours and cursor moves, so more bytes a line); [] when absent.
 */
export function tailLines(file: string, n: number, maxBytes = 64 * 1024): string[] {
  let fd: number | undefined;
  try {
    const size = statSync(file).size;
    const len = Math.min(size, maxBytes);
    const buf = Buffer.alloc(len);
    fd = openSync(file, 'r');
    readSync(fd, buf, 0, len, size - len);
    const lines = renderText(buf.toString('utf8')).split('\n');
    // Read from mid-file, the first piece is a line's end: maybe half an escape or a character.
    if (len < size && lines.length > 1) lines.shift();
    while (lines.length && lines[lines.length - 1]?.trim() === '') lines.pop();
    return lines.slice(-n);
  } catch {
    return [];
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
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

/** A file's size in bytes, 0 when absent. */
export function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
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
