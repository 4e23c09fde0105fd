/**
 * The activity sparkline: how much each agent wrote to its pane in each of the last few
 * intervals, from its output log's size as the dashboard already reads it (at most once a second,
 * with the log tails). One glyph per interval, on a log scale so a trickle still shows.
 */

export const BUCKET_MS = 15_000;
export const BUCKETS = 8;
const BARS = ['\u2581', '\u2582', '\u2583', '\u2584', '\u2585', '\u2586', '\u2587', '\u2588'];

/** One interval's glyph: blank for nothing, then a bar per factor of 4 bytes (64 KiB or more is full). */
export function bar(bytes: number): string {
  if (bytes <= 0) return ' ';
  const level = Math.min(BARS.length - 1, Math.floor(Math.log2(bytes) / 2));
  return BARS[level] as string;
}

export class Activity {
  private readonly last = new Map<string, number>();
  /** Agent → bytes per bucket, keyed by bucket number (ts / BUCKET_MS). */
  private readonly buckets = new Map<string, Map<number, number>>();

  /** The log is `size` bytes now. The first sample only sets the mark (what came before is history). */
  sample(agent: string, size: number, now = Date.now()): void {
    const prev = this.last.get(agent);
    this.last.set(agent, size);
    if (prev === undefined) return;
    // A shorter log was replaced (a restart): all of it is new.
    const grew = size >= prev ? size - prev : size;
    if (grew <= 0) return;
    const b = Math.floor(now / BUCKET_MS);
    let m = this.buckets.get(agent);
    if (!m) this.buckets.set(agent, (m = new Map()));
    m.set(b, (m.get(b) ?? 0) + grew);
    for (const k of m.keys()) if (k <= b - BUCKETS) m.delete(k);
  }

  /** Oldest interval first, the current one last. */
  spark(agent: string, now = Date.now()): string {
    const m = this.buckets.get(agent);
    const b = Math.floor(now / BUCKET_MS);
    let out = '';
    for (let i = BUCKETS - 1; i >= 0; i--) out += bar(m?.get(b - i) ?? 0);
    return out;
  }
}
