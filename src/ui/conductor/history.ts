import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../core/atomic-write.js';
import { dirname } from 'node:path';

export const HISTORY_MAX = 1000;

/**
 * The conductor's command history: one line per command, oldest first, kept to the last `max`
 * lines. Reading or writing it never fails the REPL (a read-only disk just loses history).
 */
export class HistoryFile {
  private lines: string[] = [];

  constructor(
    readonly path: string,
    private readonly max = HISTORY_MAX,
  ) {}

  /** Oldest first. Trims the file when it has grown past the cap. */
  load(): string[] {
    let text = '';
    try {
      text = readFileSync(this.path, 'utf8');
    } catch {
      this.lines = [];
      return [];
    }
    const all = text.split('\n').filter((l) => l.trim().length > 0);
    this.lines = all.slice(-this.max);
    if (all.length > this.max) this.rewrite();
    return [...this.lines];
  }

  /** Records a line, unless it is blank or repeats the previous one. */
  append(line: string): void {
    if (line.trim().length === 0 || line.includes('\n')) return;
    if (this.lines[this.lines.length - 1] === line) return;
    this.lines.push(line);
    try {
      mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
      appendFileSync(this.path, line + '\n', { mode: 0o600 });
    } catch {
      return;
    }
    // Trim in batches so that a long session does not rewrite the file on every line.
    if (this.lines.length > this.max + Math.ceil(this.max / 10)) {
      this.lines = this.lines.slice(-this.max);
      this.rewrite();
    }
  }

  private rewrite(): void {
    try {
      writeFileAtomic(this.path, this.lines.map((l) => l + '\n').join(''), { durable: false });
    } catch {
      // Keep the longer file rather than lose it.
    }
  }
}
