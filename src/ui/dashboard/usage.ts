/**
 * Context use and cost per agent, as the feedback layer counts them from Claude Code's transcripts
 * (`usage.recorded` records; the cost is an ESTIMATE from data/prices.json). Seeded once from the
 * controller's `report` when the dashboard connects, then kept from the records as they come; a
 * record the report already counted (seq at or below its lastSeq) is not counted twice.
 */

interface Ev { seq: number; type: string; payload: unknown }
export interface UsageFigure { costUsd: number | null; context: number | null }

interface ReportAgent { name?: unknown; costUsdEstimate?: unknown; contextShare?: unknown; tokens?: Record<string, unknown> }

export class UsageFold {
  private readonly by = new Map<string, UsageFigure>();
  private seen = -1;
  /** Records heard before the report came: replayed past its lastSeq. */
  private early: Ev[] | null = [];

  get(agent: string): UsageFigure | undefined {
    return this.by.get(agent);
  }

  fromReport(report: Record<string, unknown>): void {
    this.by.clear();
    for (const a of (Array.isArray(report['agents']) ? report['agents'] : []) as ReportAgent[]) {
      if (typeof a.name !== 'string') continue;
      const tokens = Object.values(a.tokens ?? {}).reduce<number>((s, v) => s + (typeof v === 'number' ? v : 0), 0);
      const cost = typeof a.costUsdEstimate === 'number' && tokens > 0 ? a.costUsdEstimate : null;
      const context = typeof a.contextShare === 'number' ? a.contextShare : null;
      if (cost !== null || context !== null) this.by.set(a.name, { costUsd: cost, context });
    }
    this.seen = typeof report['lastSeq'] === 'number' ? report['lastSeq'] : -1;
    const early = this.early ?? [];
    this.early = null;
    for (const e of early) this.onEvent(e);
  }

  /** True when the record changed a figure. */
  onEvent(e: Ev): boolean {
    if (e.type !== 'usage.recorded') return false;
    if (this.early) {
      this.early.push(e);
      if (this.early.length > 500) this.early.shift();
    }
    if (e.seq <= this.seen) return false;
    this.seen = e.seq;
    const p = (e.payload ?? {}) as Record<string, unknown>;
    const agent = typeof p['agent'] === 'string' ? p['agent'] : null;
    if (!agent) return false;
    const cur = this.by.get(agent) ?? { costUsd: null, context: null };
    const cost = typeof p['costUsd'] === 'number' ? (cur.costUsd ?? 0) + p['costUsd'] : cur.costUsd;
    const ctx = typeof p['contextTokens'] === 'number' && typeof p['window'] === 'number' && p['window'] > 0 ? p['contextTokens'] / p['window'] : cur.context;
    this.by.set(agent, { costUsd: cost, context: ctx });
    return true;
  }
}

export function formatCost(usd: number | null | undefined): string {
  if (usd === null || usd === undefined) return '-';
  return usd < 10 ? `$${usd.toFixed(2)}` : `$${Math.round(usd)}`;
}

export function formatShare(share: number | null | undefined): string {
  return share === null || share === undefined ? '-' : `${Math.round(share * 100)}%`;
}
