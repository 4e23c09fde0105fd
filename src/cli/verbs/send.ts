import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MiyabiError } from '../../core/errors.js';
import { pidAlive, readLock } from '../../core/instance-lock.js';
import { findProjectRoot, projectPaths, type ProjectPaths } from '../../core/paths.js';
import { busDirOf, liveRecipients } from '../../bus/layout.js';
import { messageState } from '../../bus/state.js';
import { checkRealDirs, trustState } from '../../core/state-trust.js';
import { checkArgsUtf8, maxBodyBytes, readCapped } from '../send-input.js';
import { writeMessage } from '../../bus/writer.js';
import { checkRefuseRule } from '../../bus/refuse.js';
import { shortId } from '../../core/short-ids.js';
import { PRIORITIES, type Priority } from '../../bus/validate.js';

/**
 * `miyabi send` and `miyabi broadcast`: written straight to the bus, so they work while the
 * controller is down, and import nothing heavy (node's own parseArgs, no commander, YAML or zod):
 * a script may call them in a loop (DESIGN.md target: ≤ 1.3 × `node -e 0`).
 */
export const SEND_USAGE = `usage: miyabi send <to> [text…] [options]
       miyabi broadcast [text…] [options]

Writes a message into the agent's inbox (.miyabi/bus/<to>/new/); the controller types it into the
agent's pane when the pane is quiet and its input line empty. Without text, reads standard input.

options:
  --from NAME            sender (default: $MIYABI_AGENT, else "user")
  --stdin                read the text from standard input
  --priority P           low | normal | high (default normal)
  --raw                  allow control characters and non-UTF-8 bytes
  --now                  do not wait for the pane to be quiet
  --wait                 return when delivered (exit 0) or failed (exit 1)
  --timeout S            with --wait, give up after S seconds (default 60)
  --json                 one JSON line per message, with the full id
  -h, --help             this help`;

const OPTIONS = {
  from: { type: 'string' },
  stdin: { type: 'boolean' },
  priority: { type: 'string' },
  raw: { type: 'boolean' },
  now: { type: 'boolean' },
  wait: { type: 'boolean' },
  timeout: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function parse(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw new MiyabiError('USAGE', (e as Error).message, { hint: 'miyabi send --help' });
  }
}

/** MIYABI_BUS_INBOX_CAP, else the layout's inbox_cap (the controller keeps it in `<to>/cap`). */
function inboxCap(busDir: string, to: string): number | undefined {
  const raw = process.env.MIYABI_BUS_INBOX_CAP ?? (existsSync(join(busDir, to, 'cap')) ? readFileSync(join(busDir, to, 'cap'), 'utf8').trim() : '');
  const n = Number(raw);
  return raw !== '' && Number.isInteger(n) && n > 0 ? n : undefined;
}

function controllerUp(paths: ProjectPaths): boolean {
  return pidAlive(readLock(paths.lock)?.pid ?? 0);
}

export async function sendMain(argv: string[], broadcast = false): Promise<number> {
  const { values: o, positionals } = parse(argv);
  if (o.help) {
    process.stdout.write(SEND_USAGE + '\n');
    return 0;
  }
  const root = findProjectRoot();
  const paths = projectPaths(root);
  // A .miyabi/ a clone brought is never written into (core/state-trust.ts); git is asked by `up`.
  trustState(paths.root);
  const busDir = busDirOf(paths);
  const targets = broadcast ? null : positionals.shift();
  if (!broadcast && !targets) throw new MiyabiError('USAGE', 'send needs a recipient', { hint: 'miyabi send <to> [text…]' });
  const priority = (o.priority ?? 'normal') as Priority;
  if (!PRIORITIES.includes(priority)) throw new MiyabiError('USAGE', `--priority must be one of ${PRIORITIES.join(', ')}, not "${o.priority}"`);
  const timeout = o.timeout === undefined ? 60 : Number(o.timeout);
  if (!Number.isFinite(timeout) || timeout <= 0) throw new MiyabiError('USAGE', `--timeout must be a positive number of seconds, not "${o.timeout}"`);
  const fromStdin = o.stdin === true || positionals.length === 0;
  if (!fromStdin) checkArgsUtf8(positionals);
  const text: string | Buffer = fromStdin ? readCapped(0, maxBodyBytes()) : positionals.join(' ');
  const from = o.from ?? process.env.MIYABI_AGENT ?? 'user';
  const to = broadcast ? liveRecipients(busDir).filter((r) => r !== from) : [targets as string];
  if (to.length === 0) throw new MiyabiError('NOT_FOUND', `no agent to broadcast to in ${busDir}`, { hint: 'start the project first: miyabi up' });

  const up = controllerUp(paths);
  // Each recipient on its own: a broadcast that fails for one still says what it queued.
  const sent: { to: string; id: string }[] = [];
  let failure: unknown = null;
  for (const t of to) {
    const cap = inboxCap(busDir, t);
    const msg = { from, to: t, text, priority, raw: o.raw === true, flags: o.now ? ['now'] : [] };
    try {
      checkRealDirs(busDir, t);
      checkRefuseRule(join(busDir, t), t, text.toString());
      sent.push({ to: t, ...writeMessage(busDir, msg, cap === undefined ? {} : { inboxCap: cap }) });
    } catch (e) {
      if (!broadcast) throw e;
      failure ??= e;
      process.stderr.write(`miyabi: not sent to ${t}: ${(e as Error).message}\n`);
    }
  }
  // Ids as every verb shows them (core/short-ids.ts); the full id with --json.
  const say = (state: string, s: { to: string; id: string }, how?: string): void => {
    process.stdout.write(o.json ? `${JSON.stringify({ state, to: s.to, id: s.id, short: shortId(s.id), ...(how ? { outcome: how } : {}) })}\n` : `${state} ${shortId(s.id)} for ${s.to}${how ? ` (${how})` : ''}\n`);
  };
  for (const s of sent) say('queued', s);
  if (failure !== null && !o.wait) return 1;
  if (!up) process.stderr.write('the controller is not running: delivered on the next `miyabi up`\n');
  if (!o.wait) return 0;
  let code = failure === null ? 0 : 1;
  // Loaded only here: a plain send (scripts call it in loops) need not load the IPC client.
  const { waitOutcome } = await import('../send-wait.js');
  for (const s of sent) {
    const r = await waitOutcome(root, s.to, s.id, timeout);
    const how = r.state === 'timeout' ? `no answer within ${timeout} s` : r.outcome;
    // `typed`: it went in, and no screen profile could tell that it was submitted.
    const words = how === 'queued' ? 'queued by the agent' : how === 'typed' && !o.json ? 'typed, not confirmed' : how;
    say(r.state, s, words ?? undefined);
    if (r.state !== 'delivered') code = 1;
  }
  return code;
}
