/**
 * The dashboard's top line, fitted to the pane's width. Each part has shorter forms; when the
 * whole line does not fit, parts step down in a fixed order (the brand goes first, the
 * connection's state and the waiting count last), so a 40-column pane still says whether the
 * controller is connected and how many agents wait for a person, instead of losing the end.
 */
import { journalTrouble } from '../format-status.js';
import type { StatusResult } from '../../ipc/protocol.js';
import type { ConnectionState } from './model.js';
import { connectionText, NOT_REACHABLE } from './view.js';

export interface HeaderFacts {
  status: Pick<StatusResult, 'session' | 'controller'> | null;
  agents: number;
  waiting: number;
  filter: string;
  connection: ConnectionState;
}

type Part = { name: string; forms: string[] };

/** The full form first (view.ts, as elsewhere), then shorter ones for a controller that is down. */
function connectionForms(c: ConnectionState): string[] {
  const full = connectionText({ connection: c });
  if (c.kind !== 'down') return [full];
  const s = `${(c.retryInMs / 1000).toFixed(1)}s`;
  return [full, `${NOT_REACHABLE} (next try in ${s})`, `controller down, retry in ${s}`, 'controller down', 'down'];
}

function parts(f: HeaderFacts): Part[] {
  const out: Part[] = [{ name: 'brand', forms: ['miyabi', ''] }];
  const trouble = f.status ? journalTrouble(f.status.controller.journal) : null;
  if (trouble) out.push({ name: 'journal', forms: [`journal ${trouble}`, `journal ${trouble.split(/[:(,]/)[0]!.trim()}`, 'journal!'] });
  if (f.status) out.push({ name: 'session', forms: [f.connection.kind === 'down' ? `${f.status.session} (last seen)` : f.status.session, f.status.session] });
  const n = `${f.agents} agent${f.agents === 1 ? '' : 's'}`;
  out.push({
    name: 'agents',
    forms: f.waiting ? [`${n}, ${f.waiting} waiting for you`, `${n}, ${f.waiting} waiting`, `${f.agents}, ${f.waiting} waiting`, `${f.agents}/${f.waiting}?`] : [n, String(f.agents)],
  });
  if (f.filter) {
    const short = f.filter.length > 7 ? [`/${f.filter.slice(0, 6)}~`] : [];
    out.push({ name: 'filter', forms: [`filter "${f.filter}"`, `/${f.filter}`, ...short, '/…'] });
  }
  out.push({ name: 'connection', forms: connectionForms(f.connection) });
  return out;
}

/**
 * What gives way next, first to last: a part named steps down one form (a part at its last form
 * is skipped); `cut 8` shortens the session name to what is left if 8 characters of it remain,
 * `cut 0` leaves it out.
 */
const ORDER = [
  'brand', 'journal', 'connection', 'session', 'agents', 'filter', 'journal', 'connection', 'agents',
  'cut 8', 'cut 0', 'filter', 'connection', 'agents', 'filter', 'connection',
];

const SEP = ' | ';

export function headerLine(f: HeaderFacts, width: number): string {
  const ps = parts(f);
  const at = new Map<string, number>(ps.map((p) => [p.name, 0]));
  const text = () => ' ' + ps.map((p) => p.forms[at.get(p.name) ?? 0] ?? '').filter(Boolean).join(SEP);
  for (const step of ORDER) {
    if (text().length <= width) break;
    const cut = /^cut (\d+)$/.exec(step);
    const p = ps.find((x) => x.name === (cut ? 'session' : step));
    if (!p) continue;
    const i = at.get(p.name) ?? 0;
    if (!cut) {
      if (i < p.forms.length - 1) at.set(p.name, i + 1);
      continue;
    }
    // The session name gives up what is missing (`miyabi status` shows it whole).
    const name = p.forms[i] ?? '';
    const keep = name.length - (text().length - width) - 1;
    if (cut[1] === '0') p.forms[i] = '';
    else if (keep >= Number(cut[1])) p.forms[i] = `${name.slice(0, keep)}~`;
  }
  const line = text();
  return line.length <= width ? line : `${line.slice(0, Math.max(0, width - 1))}~`;
}
