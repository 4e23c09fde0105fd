import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { busDirOf, inboxPaths, recipients, stoppedReason } from '../../bus/layout.js';
import { inspectFile, listCur } from '../../bus/reader.js';
import { looksLikeShortId, resolveId, shortIds } from '../../core/short-ids.js';
import { MiyabiError } from '../../core/errors.js';
import { cliContext, tryConnect, type GlobalOptions } from '../context.js';
import { journalTrouble } from '../../ui/format-status.js';

/** One message as `inbox` shows it; `--json` prints these as they are. */
interface Row {
  agent: string;
  /** The full id; `short` is how every verb shows it (core/short-ids.ts). */
  id: string;
  short: string;
  state: 'queued' | 'delivered' | 'failed';
  from: string | null;
  priority: string | null;
  text: string | null;
  /** Epoch ms: when it was sent, and when its outcome was decided (null while queued). */
  created: number | null;
  finished: number | null;
  /** How the controller judged a finished one (submitted, queued by the agent, unconfirmed, …). */
  outcome: string | null;
  /** Why a queued one waits, or why a failed one failed (when the controller still knows). */
  reason: string | null;
}

interface FromController {
  waiting: Record<string, string>;
  outcomes: Record<string, { outcome: string | null; reason: string | null }>;
}

/** Reads one inbox without moving anything: junk stays in new/ for the controller to quarantine. */
function rowsOf(busDir: string, agent: string, all: boolean, ctl: FromController | null): Row[] {
  const box = inboxPaths(busDir, agent);
  const stopped = stoppedReason(busDir, agent);
  const rows: Row[] = [];
  const read = (dir: string, name: string, id: string, state: Row['state']): void => {
    const e = inspectFile(dir, name, agent, id);
    const m = e.kind === 'message' ? e.message : null;
    let finished: number | null = null;
    if (state !== 'queued') {
      try {
        finished = Math.round(lstatSync(join(dir, name)).ctimeMs); // the rename into cur/
      } catch {
        // moved meanwhile
      }
    }
    const done = ctl?.outcomes[id];
    const why =
      state === 'queued'
        ? stopped !== null
          ? `agent stopped ${stopped}; it goes in when the agent is started again (miyabi spawn ${agent})`
          : ctl === null
            ? 'the controller is not running; it goes in on the next `miyabi up`'
            : (ctl.waiting[id] ?? null)
        : (done?.reason ?? null);
    rows.push({
      agent, id, short: '', state,
      from: m?.from ?? null, priority: m?.priority ?? null, text: m?.text ?? null, created: m?.created ?? null,
      finished, outcome: done?.outcome ?? null, reason: why,
    });
  };
  let pending: string[] = [];
  try {
    pending = readdirSync(box.new).sort();
  } catch {
    // no inbox folder yet
  }
  for (const n of pending) if (!n.startsWith('.')) read(box.new, n, n, 'queued');
  const cur = listCur(busDir, agent);
  for (const c of all ? cur : cur.slice(-10)) read(box.cur, c.name, c.id, c.outcome);
  return rows.filter((r) => r.text !== null || r.state !== 'queued');
}

/** The deliverer's word for an outcome, as a person reads it. */
export function outcomeWords(outcome: string): string {
  return outcome === 'typed' ? 'typed, not confirmed' : outcome === 'queued' ? 'queued by the agent' : outcome;
}

function line(r: Row): string {
  const text = r.text === null ? '' : ` ${JSON.stringify(r.text.length > 60 ? `${r.text.slice(0, 57)}…` : r.text)}`;
  const from = r.from ? ` from ${r.from}` : '';
  const why = r.reason ? `  (${r.state === 'queued' ? 'waiting: ' : ''}${r.reason})` : r.outcome && r.outcome !== 'submitted' ? `  (${outcomeWords(r.outcome)})` : '';
  return `${r.agent.padEnd(12)} ${r.short} ${r.state.padEnd(9)}${from}${text}${why}\n`;
}

/** `miyabi inbox [AGENT|ID]`: every inbox, one agent's, or one message in full (short or full id). */
export async function inbox(o: GlobalOptions & { json?: boolean; agent?: string; all?: boolean }): Promise<number> {
  const { paths } = cliContext(o);
  const busDir = paths.bus;
  const agents = recipients(busDir);
  const byId = o.agent !== undefined && !agents.includes(o.agent) && (looksLikeShortId(o.agent) || o.agent.includes('.'));
  if (o.agent !== undefined && !agents.includes(o.agent) && !byId) {
    throw new MiyabiError('NOT_FOUND', `unknown agent "${o.agent}"; known: ${agents.join(', ') || '(none yet)'}`, {
      hint: 'give an agent (miyabi ls lists them) or a message id',
    });
  }
  const client = await tryConnect(paths);
  // The messages are read from the bus either way; a controller that does not answer is said,
  // not shown as messages waiting for no reason (or a journal that looks fine).
  let unanswered: string | null = null;
  const ask = <T>(p: Promise<T>): Promise<T | null> =>
    p.catch((e: unknown) => {
      unanswered ??= e instanceof Error ? e.message : String(e);
      return null;
    });
  let ctl: FromController | null = null;
  if (client) {
    const r = (await ask(client.request('inbox'))) as Partial<FromController> | null;
    const obj = (v: unknown): v is Record<string, never> => typeof v === 'object' && v !== null;
    if (r !== null && !(obj(r) && obj(r.waiting) && obj(r.outcomes))) unanswered ??= `its answer is not a controller's inbox (${JSON.stringify(r)?.slice(0, 80)})`;
    ctl = r !== null && unanswered === null ? { waiting: r.waiting!, outcomes: r.outcomes! } : { waiting: {}, outcomes: {} };
  }
  // Why nothing moves when the journal refuses writes: said above the messages it holds back.
  const trouble = client ? journalTrouble((await ask(client.request('ping')))?.journal) : null;
  client?.close();
  let rows = (o.agent !== undefined && !byId ? [o.agent] : agents).flatMap((a) => rowsOf(busDir, a, o.all === true || byId, ctl));
  if (byId) {
    const id = resolveId(o.agent!, rows.map((r) => r.id));
    rows = rows.filter((r) => r.id === id);
  }
  const forms = shortIds(rows.map((r) => r.id));
  for (const r of rows) r.short = forms.get(r.id) ?? r.short;
  if (o.json) {
    const said = { ...(trouble ? { journal: trouble } : {}), ...(unanswered ? { controllerError: unanswered } : {}) };
    process.stdout.write(JSON.stringify(byId ? rows[0] : { controller: client !== null, ...said, messages: rows }, null, 2) + '\n');
    return 0;
  }
  if (byId) {
    const r = rows[0]!;
    process.stdout.write(`${r.short} ${r.id}\nto ${r.agent}, from ${r.from ?? '?'}, priority ${r.priority ?? '?'}: ${r.state}${r.outcome ? ` (${outcomeWords(r.outcome)})` : ''}${r.reason ? `: ${r.reason}` : ''}\n\n${r.text ?? ''}\n`);
    return 0;
  }
  if (!client) process.stdout.write('(controller not running: queued messages go in on the next `miyabi up`)\n');
  if (unanswered) process.stdout.write(`(the controller did not answer: ${unanswered}; why queued messages wait is not known)\n`);
  if (trouble) process.stdout.write(`(delivery held back: journal ${trouble})\n`);
  for (const r of rows) process.stdout.write(line(r));
  if (rows.length === 0) process.stdout.write('no messages\n');
  return 0;
}
