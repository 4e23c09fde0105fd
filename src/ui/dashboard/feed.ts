/**
 * What the dashboard's panels show of the journal stream: trigger firings, recovery events, the
 * newest records, and the bus's counters. A fold of the records as they arrive (no polling), pure
 * so the panels' text is unit-tested.
 */

interface Ev {
  seq: number;
  ts: number;
  type: string;
  payload: unknown;
}

export interface Feed {
  triggers: Ev[];
  recovery: Ev[];
  events: Ev[];
  /** Records by type (message.delivered, message.failed, …) since the dashboard started. */
  counts: Map<string, number>;
  total: number;
}

const KEEP = 200;

export function emptyFeed(): Feed {
  return { triggers: [], recovery: [], events: [], counts: new Map(), total: 0 };
}

function push(list: Ev[], e: Ev): void {
  list.push(e);
  if (list.length > KEEP) list.splice(0, list.length - KEEP);
}

/** Mutates the feed (it is the dashboard's own, and this runs per record at up to 100s a second). */
export function noteFeed(f: Feed, e: Ev): void {
  push(f.events, e);
  f.total++;
  f.counts.set(e.type, (f.counts.get(e.type) ?? 0) + 1);
  if (e.type.startsWith('trigger.')) push(f.triggers, e);
  else if (e.type.startsWith('recovery.')) push(f.recovery, e);
}

function clock(ts: number): string {
  const d = new Date(ts);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

/** A payload in one line: its scalar fields as k=v, the long ones cut. */
export function summary(payload: unknown, max = 120): string {
  if (payload === null || typeof payload !== 'object') return String(payload ?? '');
  const parts: string[] = [];
  for (const [k, v] of Object.entries(payload as Record<string, unknown>)) {
    if (v === null || v === undefined || typeof v === 'object') continue;
    const s = String(v).replace(/\s+/g, ' ');
    parts.push(`${k}=${s.length > 40 ? s.slice(0, 39) + '~' : s}`);
  }
  const out = parts.join(' ');
  return out.length > max ? out.slice(0, max - 1) + '~' : out;
}

/** Newest first: `hh:mm:ss type k=v …`. */
export function eventLines(list: Ev[], empty: string, n = 50): string[] {
  if (list.length === 0) return [empty];
  return list.slice(-n).reverse().map((e) => `${clock(e.ts)} ${e.type} ${summary(e.payload)}`.trimEnd());
}

export function triggerLines(f: Feed): string[] {
  return eventLines(f.triggers, 'no trigger has fired since the dashboard started');
}

export function recoveryLines(f: Feed): string[] {
  return eventLines(f.recovery, 'no recovery since the dashboard started');
}

export function journalLines(f: Feed): string[] {
  return eventLines(f.events, 'no journal records yet');
}

/** The bus's counters and the busiest record types. */
export function busLines(f: Feed): string[] {
  const c = (t: string) => f.counts.get(t) ?? 0;
  const lines = [
    `messages  delivered ${c('message.delivered')}  failed ${c('message.failed')}  deferred ${c('message.deferred')}  quarantined ${c('message.quarantined')}`,
    `relay     sent ${c('relay.sent')}  refused ${c('relay.refused')}`,
    `records   ${f.total} since the dashboard started`,
    '',
  ];
  const top = [...f.counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12);
  return lines.concat(top.map(([t, n]) => `${String(n).padStart(7)}  ${t}`));
}
