/**
 * Reports from the metrics: `miyabi report`, and the document's report kinds (daily summary,
 * monthly report, error report, success report) that pipelines' report actions write to
 * `.miyabi/reports/`. Every figure comes from the journal; costs are labelled estimates.
 */
import { failureRate, stateTimes } from './series.js';
import type { FoldState } from './state.js';

export const REPORT_KINDS = ['summary', 'daily', 'monthly', 'errors', 'success'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];
/** The window each dated kind covers by default. */
export const KIND_WINDOW_MS: Partial<Record<ReportKind, number>> = { daily: 86_400_000, monthly: 30 * 86_400_000 };

const round = (v: number | undefined, d = 3) => (v === undefined ? null : Math.round(v * 10 ** d) / 10 ** d);

export function buildReport(s: FoldState, o: { kind: ReportKind; from: number; now: number }) {
  const agents = [...s.agents].map(([name, a]) => {
    const t = stateTimes(a, o.from, o.now);
    return {
      name,
      tasks: { done: a.c.tasks_done ?? 0, failed: a.c.tasks_failed ?? 0, timedOut: a.c.tasks_timed_out ?? 0, cancelled: a.c.tasks_cancelled ?? 0 },
      failureRate: round(failureRate(a.c)),
      seconds: { busy: (t.busy ?? 0) / 1000, idle: (t.idle ?? 0) / 1000, waiting: (t['waiting-for-input'] ?? 0) / 1000 },
      messages: { in: a.c.messages_in ?? 0, out: a.c.messages_out ?? 0, failed: a.c.messages_failed ?? 0 },
      deaths: a.c.deaths ?? 0,
      recoveries: { ...a.recoveries },
      tokens: { input: a.c.tokens_input ?? 0, output: a.c.tokens_output ?? 0, cacheCreation: a.c.tokens_cacheCreation ?? 0, cacheRead: a.c.tokens_cacheRead ?? 0 },
      costUsdEstimate: round(a.c.cost_usd_estimate ?? 0, 4),
      contextShare: a.context ? round(a.context.tokens / a.context.window) : null,
    };
  });
  const pipelines = [...s.pipelines].map(([name, p]) => {
    const ended = (p.c.succeeded ?? 0) + (p.c.failed ?? 0);
    return {
      name, runs: p.c.runs ?? 0, succeeded: p.c.succeeded ?? 0, failed: p.c.failed ?? 0, cancelled: p.c.cancelled ?? 0,
      successRate: ended ? round((p.c.succeeded ?? 0) / ended) : null,
      retries: p.c.retries ?? 0, escalations: p.c.escalations ?? 0,
      stages: [...p.stages].map(([stage, x]) => ({ name: stage, count: x.count, p50Ms: x.percentile(50) ?? null, p95Ms: x.percentile(95) ?? null })),
    };
  });
  const triggers = [...s.triggers].map(([rule, t]) => ({ rule, activations: t.activations, p50Ms: t.latency.percentile(50) ?? null, p99Ms: t.latency.percentile(99) ?? null }));
  const recovery = [...s.levels].map(([level, l]) => ({
    level, detected: l.c.detected ?? 0, attempts: l.c.attempt ?? 0, succeeded: l.c.succeeded ?? 0, escalated: l.c.escalated ?? 0, gaveUp: l.c.gave_up ?? 0,
    timeToRecoverP50Ms: l.ttr.percentile(50) ?? null,
  }));
  const b = s.bus;
  const out = {
    kind: o.kind,
    from: o.from ? new Date(o.from).toISOString() : null,
    to: new Date(o.now).toISOString(),
    firstRecord: s.firstTs === null ? null : new Date(s.firstTs).toISOString(),
    lastSeq: s.lastSeq,
    agents, pipelines, triggers,
    bus: {
      queued: b.inflight.size, delivered: b.c.delivered ?? 0, failed: b.c.failed ?? 0, deferred: b.c.deferred ?? 0,
      quarantined: b.c.quarantined ?? 0, relayed: b.c.relayed ?? 0,
      latencyMs: { p50: b.latency.percentile(50) ?? null, p95: b.latency.percentile(95) ?? null, p99: b.latency.percentile(99) ?? null },
    },
    recovery,
    external: Object.fromEntries(s.external),
    failures: s.failures.filter((f) => f.ts >= o.from).map((f) => ({ ...f, ts: new Date(f.ts).toISOString() })),
    costNote: 'costs are ESTIMATES from the editable price table (feedback prices), not a bill',
  };
  if (o.kind === 'success') out.failures = [];
  return out;
}
export type Report = ReturnType<typeof buildReport>;

const TITLES: Record<ReportKind, string> = { summary: 'Summary', daily: 'Daily summary', monthly: 'Monthly report', errors: 'Error report', success: 'Success report' };
const cell = (v: unknown) => (v === null || v === undefined ? '–' : String(v)).replace(/\|/g, '\\|').replace(/\n/g, ' ');
const table = (head: string[], rows: unknown[][]) =>
  rows.length ? [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)] : ['(none)'];

export function renderMarkdown(r: Report): string {
  const out = [`# ${TITLES[r.kind]}`, '', `- window: ${r.from ?? 'all records'} → ${r.to}`, `- journal up to seq ${r.lastSeq}`, ''];
  if (r.kind !== 'errors') {
    out.push('## Agents', '', ...table(['agent', 'done', 'failed', 'timed out', 'busy s', 'idle s', 'waiting s', 'msgs in', 'msgs out', 'tokens in/out/cache w/r', 'cost (estimate)', 'context'],
      r.agents.map((a) => [a.name, a.tasks.done, a.tasks.failed, a.tasks.timedOut, a.seconds.busy, a.seconds.idle, a.seconds.waiting, a.messages.in, a.messages.out,
        `${a.tokens.input}/${a.tokens.output}/${a.tokens.cacheCreation}/${a.tokens.cacheRead}`, `~$${a.costUsdEstimate}`, a.contextShare === null ? null : `${Math.round(a.contextShare * 100)} %`])), '');
    out.push('## Pipelines', '', ...table(['pipeline', 'runs', 'succeeded', 'failed', 'success rate', 'retries', 'escalations'],
      r.pipelines.map((p) => [p.name, p.runs, p.succeeded, p.failed, p.successRate, p.retries, p.escalations])), '');
    const stages = r.pipelines.flatMap((p) => p.stages.map((x) => [p.name, x.name, x.count, x.p50Ms, x.p95Ms]));
    if (stages.length) out.push('### Stage durations (ms)', '', ...table(['pipeline', 'stage', 'count', 'p50', 'p95'], stages), '');
    out.push('## Message bus', '', `delivered ${r.bus.delivered}, failed ${r.bus.failed}, queued ${r.bus.queued}, latency p50/p95/p99 ${r.bus.latencyMs.p50 ?? '–'}/${r.bus.latencyMs.p95 ?? '–'}/${r.bus.latencyMs.p99 ?? '–'} ms`, '');
    if (r.triggers.length) out.push('## Triggers', '', ...table(['rule', 'activations', 'p50 ms', 'p99 ms'], r.triggers.map((t) => [t.rule, t.activations, t.p50Ms, t.p99Ms])), '');
    if (r.recovery.length) out.push('## Recovery', '', ...table(['level', 'detected', 'attempts', 'succeeded', 'escalated', 'gave up', 'time to recover p50 ms'],
      r.recovery.map((x) => [x.level, x.detected, x.attempts, x.succeeded, x.escalated, x.gaveUp, x.timeToRecoverP50Ms])), '');
    const ext = Object.entries(r.external);
    if (ext.length) out.push('## External figures', '', ...ext.map(([k, v]) => `- ${k}: ${v}`), '');
  }
  if (r.kind !== 'success') out.push('## Failures', '', ...table(['when', 'pipeline', 'run', 'stage', 'error'], r.failures.map((f) => [f.ts, f.pipeline, f.runId, f.stage, f.error.split('\n')[0]])), '');
  out.push(`_${r.costNote}_`, '');
  return out.join('\n');
}
