/**
 * The metrics in the Prometheus text format, through prom-client with a registry of our own (never
 * the global one, and no default process metrics): built afresh per scrape from the series, since
 * names appear as agents, pipelines and external figures do.
 */
import { Counter, Gauge, Registry } from 'prom-client';
import type { Series } from './series.js';

/** `agent.tasks_done` → `miyabi_agent_tasks_done` (counters get `_total`). */
export function promName(s: Pick<Series, 'name' | 'kind'>): string {
  const base = `miyabi_${s.name.replace(/[^a-zA-Z0-9_]/g, '_')}`;
  return s.kind === 'counter' ? `${base}_total` : base;
}

export function promRegistry(series: Series[]): Registry {
  const reg = new Registry();
  const byName = new Map<string, Series[]>();
  for (const s of series) {
    const n = promName(s);
    const list = byName.get(n);
    if (list) list.push(s);
    else byName.set(n, [s]);
  }
  for (const [name, list] of byName) {
    const first = list[0] as Series;
    const labelNames = [...new Set(list.flatMap((s) => Object.keys(s.labels)))];
    if (first.kind === 'counter') {
      const c = new Counter({ name, help: first.help, labelNames, registers: [reg] });
      for (const s of list) c.inc(s.labels, s.value);
    } else {
      const g = new Gauge({ name, help: first.help, labelNames, registers: [reg] });
      for (const s of list) g.set(s.labels, s.value);
    }
  }
  return reg;
}

export function promText(series: Series[]): Promise<string> {
  return promRegistry(series).metrics();
}
