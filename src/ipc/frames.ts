import { MAX_FRAME_BYTES } from './protocol.js';

/**
 * Splits a byte stream into JSON lines. A line longer than the limit is an error for the
 * caller to answer, and the rest of it up to the next newline is skipped, so one bad frame never
 * desynchronises the stream that follows.
 */
export class LineSplitter {
  private chunks: Buffer[] = [];
  private size = 0;
  private skipping = false;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly onOversize: () => void,
    private readonly max = MAX_FRAME_BYTES,
  ) {}

  push(data: Buffer): void {
    let start = 0;
    for (;;) {
      const nl = data.indexOf(0x0a, start);
      if (nl === -1) break;
      this.take(data.subarray(start, nl), true);
      start = nl + 1;
    }
    if (start < data.length) this.take(data.subarray(start), false);
  }

  private take(part: Buffer, complete: boolean): void {
    if (!this.skipping) {
      this.size += part.length;
      if (this.size > this.max) {
        this.chunks = [];
        this.size = 0;
        this.skipping = true;
        this.onOversize();
      } else {
        this.chunks.push(part);
      }
    }
    if (complete) {
      if (!this.skipping) {
        const line = Buffer.concat(this.chunks).toString('utf8');
        this.chunks = [];
        this.size = 0;
        if (line.trim().length > 0) this.onLine(line);
      }
      this.skipping = false;
    }
  }

  get pending(): number {
    return this.size;
  }
}

export function encodeFrame(obj: unknown): string {
  return JSON.stringify(obj) + '\n';
}
