/**
 * The quick verbs without the command parser (issue #17, item 3): `status`, `agents`/`ls`,
 * `inbox`, `emit`, `down` and `up --detach`/`--json` are run many times a day and by scripts, and
 * their own work is a request or two to the controller; loading commander and a graph of small
 * modules cost them a good part of a node start. Only the plain shapes are taken here (the flags
 * below, the tmux server from MIYABI_TMUX_SOCKET); anything else (--help, --socket, an unknown
 * flag) goes to the full CLI, which parses and reports it as before.
 */
import { guarded } from './io.js';
import { parseUp } from './up-args.js';

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

/** `emit <type> [key=value…]`: plain pairs only (--json and --id go to the full CLI). */
function parseEmit(args: string[]): { type: string; pairs: string[] } | null {
  const [type, ...pairs] = args;
  if (!type || type.startsWith('-') || pairs.some((a) => a.startsWith('-'))) return null;
  return { type, pairs };
}

type Run = () => Promise<number>;
type Global = { socket?: string };

const server = (): Global => {
  const socket = process.env.MIYABI_TMUX_SOCKET;
  return socket === undefined ? {} : { socket };
};

// One picker per verb: each is the entry of its own CommonJS bundle (scripts/bundle.mjs), so a
// verb's process compiles only its own code. Each returns the run, or null for the full CLI.
export function quickStatus(rest: string[]): Run | null {
  const o = parse(rest, ['--json'], false);
  return o && (async () => (await import('./verbs/status.js')).status({ ...server(), ...o }));
}

export function quickAgents(rest: string[]): Run | null {
  const o = parse(rest, ['--json'], false);
  return o && (async () => (await import('./verbs/agents.js')).agentsVerb({ ...server(), ...o }));
}

export function quickInbox(rest: string[]): Run | null {
  const o = parse(rest, ['--json', '--all'], true);
  return o && (async () => (await import('./verbs/inbox.js')).inbox({ ...server(), ...o }));
}

export function quickDown(rest: string[]): Run | null {
  return rest.length === 0 ? async () => (await import('./verbs/down.js')).down(server()) : null;
}

export function quickUp(rest: string[]): Run | null {
  const o = parseUp(rest);
  return o && (async () => {
    // Its controller first, before this process loads `up` (most of its code): the controller's
    // node start then runs beside this one's work (cli/up-build.ts).
    const early = (await import('./start-controller.js')).earlyController({ ...server(), ...o });
    return (await import('./verbs/up.js')).up({ ...server(), ...o, early });
  });
}

export function quickEmit(rest: string[]): Run | null {
  const o = parseEmit(rest);
  return o && (async () => (await import('./verbs/emit.js')).emit({ ...server(), ...o }));
}

const pickers: Record<string, (rest: string[]) => Run | null> = {
  status: quickStatus, agents: quickAgents, ls: quickAgents, inbox: quickInbox, down: quickDown, up: quickUp, emit: quickEmit,
};

/** The exit code, or null when the full CLI must take these arguments. */
export async function runQuick(argv: string[]): Promise<number | null> {
  const [verb, ...rest] = argv;
  const run = verb !== undefined && Object.hasOwn(pickers, verb) ? pickers[verb]!(rest) : null;
  return run ? guarded(run) : null;
}
