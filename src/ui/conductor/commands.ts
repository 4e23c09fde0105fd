import { shortId } from '../../core/short-ids.js';
import { formatStatus } from '../format-status.js';
import { isMiyabiError, MiyabiError } from '../../core/errors.js';
import type { Requester } from '../../ipc/client.js';
import type { StatusResult } from '../../ipc/protocol.js';
import { splitArgs } from './split-args.js';
import { runCommands } from './run-commands.js';
import { didYouMean } from './verbs.js';

/** What the commands need of the controller connection (a fake in unit tests). */
export type ConductorClient = Requester;

export interface CommandContext {
  client: ConductorClient;
  /** Writes text and a newline. */
  print(text: string): void;
  clear(): void;
  /** Ends the REPL after this command. */
  exit(): void;
  commands: CommandTable;
}

export interface ConductorCommand {
  /** One line for `help`. */
  summary: string;
  /** The argument synopsis, e.g. "[--json]". */
  usage?: string;
  run(args: string[], ctx: CommandContext): void | Promise<void>;
}

/** Later verbs (send, agents, task…) are added as entries. */
export type CommandTable = Record<string, ConductorCommand>;

function noArgs(name: string, args: string[]): void {
  if (args.length > 0) throw new MiyabiError('USAGE', `${name} takes no arguments`, { hint: `type ${name}` });
}

const exitCommand: ConductorCommand = {
  summary: 'leave the conductor (also C-d); in the session\'s own pane: see detach and down',
  run: (args, ctx) => {
    noArgs('exit', args);
    ctx.exit();
  },
};

/** `send <agent> <text…>`: the conductor speaks to an agent through the controller's bus. */
const sendCommand: ConductorCommand = {
  summary: 'send a message to an agent: send <agent> <text…>',
  usage: '<agent> <text…>',
  run: async (args, ctx) => {
    const [to, ...words] = args;
    if (!to || words.length === 0) throw new MiyabiError('USAGE', 'send needs an agent and some text', { hint: 'send agent-1 please run the tests' });
    const r = await ctx.client.request('send', { to, text: words.join(' ') });
    ctx.print(`queued ${shortId(r.id)} for ${to}`);
  },
};

export const builtinCommands: CommandTable = {
  send: sendCommand,
  ...runCommands,
  help: {
    summary: 'list the commands, or show one: help <command>',
    usage: '[command]',
    run: (args, ctx) => {
      const [name, ...rest] = args;
      if (rest.length > 0) throw new MiyabiError('USAGE', 'help takes at most one command name');
      if (name !== undefined) {
        const cmd = Object.hasOwn(ctx.commands, name) ? ctx.commands[name] : undefined;
        if (!cmd) throw unknownCommand(name);
        ctx.print(`${name}${cmd.usage ? ' ' + cmd.usage : ''}\n  ${cmd.summary}`);
        return;
      }
      ctx.print(helpText(ctx.commands));
    },
  },
  status: {
    summary: 'the session, the controller and every pane',
    usage: '[--json]',
    run: async (args, ctx) => {
      const json = args.includes('--json');
      const other = args.filter((a) => a !== '--json');
      if (other.length > 0) {
        throw new MiyabiError('USAGE', `status does not take ${other.join(' ')}`, { hint: 'status [--json]' });
      }
      const st = await ctx.client.request('status');
      ctx.print(json ? JSON.stringify(st, null, 2) : formatStatus(st));
    },
  },
  ping: {
    summary: 'check that the controller answers',
    run: async (args, ctx) => {
      noArgs('ping', args);
      const t0 = performance.now();
      const r = await ctx.client.request('ping');
      ctx.print(`pong from controller pid ${r.pid} (${(performance.now() - t0).toFixed(1)} ms)`);
    },
  },
  clear: {
    summary: 'clear the screen',
    run: (args, ctx) => {
      noArgs('clear', args);
      ctx.clear();
    },
  },
  detach: {
    summary: 'detach from the session (it keeps running; also C-b d)',
    run: async (args, ctx) => {
      noArgs('detach', args);
      const r = await ctx.client.request('detach', {});
      ctx.print(r.detached ? 'detached; the session keeps running (miyabi attach comes back)' : 'no terminal is attached to the session');
    },
  },
  exit: exitCommand,
  quit: exitCommand,
};

export function helpText(table: CommandTable): string {
  const names = Object.keys(table);
  const width = Math.max(...names.map((n) => n.length + (table[n]?.usage ? table[n].usage.length + 1 : 0)));
  return names
    .map((n) => {
      const c = table[n] as ConductorCommand;
      return `  ${(c.usage ? `${n} ${c.usage}` : n).padEnd(width)}  ${c.summary}`;
    })
    .join('\n');
}

function unknownCommand(name: string): MiyabiError {
  return new MiyabiError('USAGE', `unknown command ${name}; type help`);
}

/** The lines a failed command prints: `error: …` and, when the error has one, `hint: …`. */
export function formatError(err: unknown): string {
  if (isMiyabiError(err)) return `error: ${err.message}${err.hint ? `\nhint: ${err.hint}` : ''}`;
  return `error: ${err instanceof Error ? err.message : String(err)}`;
}

/**
 * Runs one typed line. Never throws: an unknown command, bad quoting or a controller error is
 * printed, and the REPL goes on.
 */
export async function dispatch(line: string, ctx: CommandContext): Promise<void> {
  try {
    // `@agent text`: the short way to send; the text is taken as typed (no quoting needed).
    const at = /^\s*@(\S+)\s+([\s\S]*\S)\s*$/.exec(line);
    if (at) {
      const r = await ctx.client.request('send', { to: at[1] as string, text: at[2] as string });
      ctx.print(`queued ${shortId(r.id)} for ${at[1]}`);
      return;
    }
    const [name, ...args] = splitArgs(line);
    if (name === undefined) return;
    const cmd = Object.hasOwn(ctx.commands, name) ? ctx.commands[name] : undefined;
    if (!cmd) {
      const guess = didYouMean(name, Object.keys(ctx.commands));
      ctx.print(`unknown command ${name}${guess ? ` (did you mean ${guess}?)` : ''}; type help`);
      return;
    }
    await cmd.run(args, ctx);
  } catch (err) {
    ctx.print(formatError(err));
  }
}
