/**
 * The last N values of one measure (a stage's durations, a trigger's latency), for percentiles.
 * A ring of recent values rather than a sketch: figures stay exact for a scripted journal and
 * memory stays bounded for a long one ("p95 of the last 1024 runs of this stage").
 */
export const SAMPLES_KEPT = 1024;

export class Samples {
  count = 0;
  sum = 0;
  private ring: number[] = [];
  private next = 0;

  add(v: number): void {
    if (!Number.isFinite(v)) return;
    this.count++;
    this.sum += v;
    if (this.ring.length < SAMPLES_KEPT) this.ring.push(v);
    else this.ring[this.next] = v;
    this.next = (this.next + 1) % SAMPLES_KEPT;
  }

  /** Nearest-rank percentile of the kept values (p in 0..100), undefined when there are none. */
  percentile(p: number): number | undefined {
    if (this.ring.length === 0) return undefined;
    const s = [...this.ring].sort((a, b) => a - b);
    const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
    return s[i];
  }

  toJSON(): SamplesData {
    // Oldest first, so a reload keeps the same ring order.
    const n = this.ring.length;
    const vals = n < SAMPLES_KEPT ? this.ring : [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
    return { count: this.count, sum: this.sum, values: vals };
  }

  static from(d: SamplesData | undefined): Samples {
    const s = new Samples();
    if (!d) return s;
    for (const v of d.values.slice(-SAMPLES_KEPT)) s.add(v);
    s.count = d.count;
    s.sum = d.sum;
    return s;
  }
}

export interface SamplesData {
  count: number;
  sum: number;
  values: number[];
}
