/** Matching an event to a rule (type glob, payload fields) and filling a rule's `${…}` templates. */

/** What a firing carries into templates and into the run. */
export interface TriggerEvent {
  id: string;
  type: string;
  /** Epoch ms when it happened: where its activation latency starts. */
  ts: number;
  source: string;
  data: Record<string, unknown>;
}

const cache = new Map<string, RegExp>();

/** `git.*` (one word), `agent.**` / `**` (any words), `*.failed`, `git.pu*` (part of a word). */
export function typeRegExp(glob: string): RegExp {
  let re = cache.get(glob);
  if (re) return re;
  const body = glob
    .split('.')
    .map((w) => (w === '**' ? '.*' : w.split('*').join('[^.]*')))
    .join('\\.')
    .replace(/\\\.\.\*$/, '(\\..*)?');
  re = new RegExp(`^${body}$`);
  cache.set(glob, re);
  return re;
}

export function matchesType(glob: string, type: string): boolean {
  return typeRegExp(glob).test(type);
}

/** A payload field by dotted path: `pusher.name`. */
export function field(data: unknown, path: string): unknown {
  let v: unknown = data;
  for (const k of path.split('.')) {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, k)) return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

function valueGlob(pattern: string): RegExp {
  const body = pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${body}$`, 's');
}

/** Every field of `match` holds in the payload: strings compare as globs (`release/*`), others by value. */
export function matchesPayload(match: Record<string, string | number | boolean>, ev: TriggerEvent): boolean {
  for (const [k, want] of Object.entries(match)) {
    const got = k === 'id' || k === 'type' || k === 'source' ? ev[k] : field(ev.data, k);
    if (got === undefined || got === null) return false;
    if (typeof want === 'string') {
      if (!(want.includes('*') ? valueGlob(want).test(String(got)) : String(got) === want)) return false;
    } else if (got !== want && String(got) !== String(want)) return false;
  }
  return true;
}

export interface TemplateScope {
  rule: string;
  cause: string;
  now: number;
  event?: TriggerEvent;
  due?: number;
  value?: number;
}

function show(v: unknown): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** `${event.branch}` → the payload's branch ("" when absent); `${event.id}`, `${event.type}` too. */
export function fill(template: string, s: TemplateScope): string {
  return template.replace(/\$\{([^}]*)\}/g, (_m, raw: string) => {
    const name = raw.trim();
    if (name === 'rule') return s.rule;
    if (name === 'cause') return s.cause;
    if (name === 'now') return new Date(s.now).toISOString();
    if (name === 'due') return s.due === undefined ? '' : new Date(s.due).toISOString();
    if (name === 'value') return show(s.value);
    if (name === 'event') return show(s.event?.data);
    if (name.startsWith('event.') && s.event) {
      const k = name.slice(6);
      if (k === 'id' || k === 'type' || k === 'source') return s.event[k];
      if (k === 'ts') return String(s.event.ts);
      return show(field(s.event.data, k));
    }
    return '';
  });
}
