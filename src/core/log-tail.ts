/**
 * Reading the end of an output log, as `miyabi tail`, the dashboard's preview and the output
 * tracker do: its size, and its last bytes cut at a line start.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';

/** A file's size in bytes, 0 when absent. */
export function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/**
 * The last `maxBytes` of `file` (all of it when smaller) and its size. Read from mid-file, the
 * first piece is a line's end, maybe half an escape or a character: it is left out. Throws when
 * the file cannot be read.
 */
export function readTail(file: string, maxBytes: number): { text: string; size: number } {
  const size = statSync(file).size;
  const len = Math.min(size, maxBytes);
  const buf = Buffer.alloc(len);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buf, 0, len, size - len);
  } finally {
    closeSync(fd);
  }
  const text = buf.toString('utf8');
  const cut = len < size ? text.indexOf('\n') : -1;
  return { text: cut === -1 ? text : text.slice(cut + 1), size };
}
