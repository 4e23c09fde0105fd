import { inboxPaths, recipients } from '../../bus/layout.js';
import { listCur } from '../../bus/reader.js';
import { readdirSync } from 'node:fs';
import { readEntry } from '../../bus/reader.js';
import { MiyabiError } from '../../core/errors.js';
import { shortId } from '../../delivery/render.js';
import { cliContext, tryConnect, type GlobalOptions } from '../context.js';

interface Row {
  agent: string;
  id: string;
  short: string;
  state: 'queued' | 'delivered' | 'failed';
  from?: string;
  priority?: string;
  text?: string;
  waiting?: string;
}

function pending(busDir: string, agent: string): Row[] {
  // Read without moving anything: junk stays for the controller to quarantine.
  let names: string[] = [];
  try {
    names = readdirSync(inboxPaths(busDir, agent).new);
  } catch {
    return [];
  }
  const rows: Row[] = [];
  for (const n of names.sort()) {
    const e = readEntry(busDir, agent, n);
    if (e.kind !== 'message') continue;
    const m = e.message;
    rows.push({ agent, id: m.id, short: shortId(m.id), state: 'queued', from: m.from, priority: m.priority, text: m.text });
  }
  return rows;
}

export async function inbox(o: GlobalOptions & { json?: boolean; agent?: string; all?: boolean }): Promise<number> {
  const { paths } = cliContext(o);
  const busDir = paths.bus;
  const agents = recipients(busDir);
  if (o.agent && !agents.includes(o.agent)) {
    throw new MiyabiError('NOT_FOUND', `unknown agent "${o.agent}"; known: ${agents.join(', ') || '(none yet)'}`);
  }
  const client = await tryConnect(paths);
  const waiting: Record<string, string> = client
    ? ((await client.request('inbox').catch(() => ({ waiting: {} }))).waiting ?? {})
    : {};
  client?.close();
  const rows: Row[] = [];
  for (const a of o.agent ? [o.agent] : agents) {
    for (const r of pending(busDir, a)) rows.push({ ...r, ...(waiting[r.id] ? { waiting: waiting[r.id] } : {}) });
    const done = listCur(busDir, a);
    for (const c of o.all ? done : done.slice(-10)) rows.push({ agent: a, id: c.id, short: shortId(c.id), state: c.outcome });
  }
  if (o.json) {
    process.stdout.write(JSON.stringify({ controller: client !== null, messages: rows }, null, 2) + '\n');
    return 0;
  }
  if (!client) process.stdout.write('(controller not running: queued messages go in on the next `miyabi up`)\n');
  for (const r of rows) {
    const text = r.text === undefined ? '' : ` ${JSON.stringify(r.text.length > 60 ? `${r.text.slice(0, 57)}…` : r.text)}`;
    const from = r.from ? ` from ${r.from}` : '';
    process.stdout.write(`${r.agent.padEnd(12)} #${r.short} ${r.state.padEnd(9)}${from}${text}${r.waiting ? `  (waiting: ${r.waiting})` : ''}\n`);
  }
  if (rows.length === 0) process.stdout.write('no messages\n');
  return 0;
}

