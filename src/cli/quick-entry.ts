/**
 * The quick verbs as one bundled file without the command parser (issue #17, item 3): `status`,
 * `agents`/`ls`, `inbox`, `emit`, `down` and `up --detach`/`--json` are run many times a day and
 * by scripts, and their own work
 * is a request or two to the controller; loading commander and a graph of small modules cost
 * them a good part of a node start. Only the plain shapes are taken here (the flags below, the
 * tmux server from MIYABI_TMUX_SOCKET); anything else (--help, --socket, an unknown flag) goes to
 * the full CLI, which parses and reports it as before. Bundled with code splitting
 * (scripts/bundle.mjs): each verb loads its own chunk and the ones it shares, nothing else.
 */
import { isMiyabiError } from '../core/errors.js';

type Parsed = { json?: true; all?: true; agent?: string };

/** The options, or null when the shape is not one of the plain ones. */
function parse(args: string[], flags: readonly string[], positional: boolean): Parsed | null {
  const o: Parsed = {};
  for (const a of args) {
    if (a === '--json' && flags.includes(a)) o.json = true;
    else if (a === '--all' && flags.includes(a)) o.all = true;
    else if (positional && !a.startsWith('-') && o.agent === undefined) o.agent = a;
    else return null;
  }
  return o;
}

/** `up`'s detached shapes (the interactive one attaches: the full CLI takes it), or null. */
function parseUp(args: string[]): { detach?: true; json?: true; layout?: string } | null {
  const o: { detach?: true; json?: true; layout?: string } = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--detach' || a === '-d') o.detach = true;
    else if (a === '--json') o.json = true;
    else if ((a === '--layout' || a === '-l') && o.layout === undefined && i + 1 < args.length && !args[i + 1]?.startsWith('-')) o.layout = args[++i];
    else if (a.startsWith('--layout=') && o.layout === undefined && a.length > 9) o.layout = a.slice(9);
    else return null;
  }
  return o.detach || o.json ? o : null;
}

/** `emit <type> [key=value…]`: plain pairs only (--json and --id go to the full CLI). */
function parseEmit(args: string[]): { type: string; pairs: string[] } | null {
  const [type, ...pairs] = args;
  if (!type || type.startsWith('-') || pairs.some((a) => a.startsWith('-'))) return null;
  return { type, pairs };
}

/** The exit code, or null when the full CLI must take these arguments. */
export async function runQuick(argv: string[]): Promise<number | null> {
  const [verb, ...rest] = argv;
  const socket = process.env.MIYABI_TMUX_SOCKET;
  const g = socket === undefined ? {} : { socket };
  let run: (() => Promise<number>) | null = null;
  if (verb === 'status') {
    const o = parse(rest, ['--json'], false);
    if (o) run = async () => (await import('./verbs/status.js')).status({ ...g, ...o });
  } else if (verb === 'agents' || verb === 'ls') {
    const o = parse(rest, ['--json'], false);
    if (o) run = async () => (await import('./verbs/agents.js')).agentsVerb({ ...g, ...o });
  } else if (verb === 'inbox') {
    const o = parse(rest, ['--json', '--all'], true);
    if (o) run = async () => (await import('./verbs/inbox.js')).inbox({ ...g, ...o });
  } else if (verb === 'down') {
    if (rest.length === 0) run = async () => (await import('./verbs/down.js')).down(g);
  } else if (verb === 'up') {
    const o = parseUp(rest);
    if (o) run = async () => (await import('./verbs/up.js')).up({ ...g, ...o });
  } else if (verb === 'emit') {
    const o = parseEmit(rest);
    if (o) run = async () => (await import('./verbs/emit.js')).emit({ ...g, ...o });
  }
  if (!run) return null;
  try {
    return await run();
  } catch (e) {
    if (isMiyabiError(e)) {
      process.stderr.write(`miyabi: ${e.message}\n${e.hint ? `hint: ${e.hint}\n` : ''}`);
      return e.exitCode;
    }
    process.stderr.write(`miyabi: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
}
