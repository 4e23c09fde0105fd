/**
 * The quick verbs as one bundled file without the command parser (issue #17, item 3): `status`,
 * `agents`/`ls`, `inbox` and `down` are run many times a day and by scripts, and their own work
 * is a request or two to the controller; loading commander and a graph of small modules cost
 * them a good part of a node start. Only the plain shapes are taken here (the flags below, the
 * tmux server from MIYABI_TMUX_SOCKET); anything else (--help, --socket, an unknown flag) goes to
 * the full CLI, which parses and reports it as before.
 */
import { isMiyabiError } from '../core/errors.js';
import { agentsVerb } from './verbs/agents.js';
import { down } from './verbs/down.js';
import { inbox } from './verbs/inbox.js';
import { status } from './verbs/status.js';

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

/** The exit code, or null when the full CLI must take these arguments. */
export async function runQuick(argv: string[]): Promise<number | null> {
  const [verb, ...rest] = argv;
  const socket = process.env.MIYABI_TMUX_SOCKET;
  const g = socket === undefined ? {} : { socket };
  let run: (() => Promise<number>) | null = null;
  if (verb === 'status') {
    const o = parse(rest, ['--json'], false);
    if (o) run = () => status({ ...g, ...o });
  } else if (verb === 'agents' || verb === 'ls') {
    const o = parse(rest, ['--json'], false);
    if (o) run = () => agentsVerb({ ...g, ...o });
  } else if (verb === 'inbox') {
    const o = parse(rest, ['--json', '--all'], true);
    if (o) run = () => inbox({ ...g, ...o });
  } else if (verb === 'down') {
    if (rest.length === 0) run = () => down(g);
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
