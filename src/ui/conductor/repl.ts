import { clearScreenDown, createInterface, cursorTo } from 'node:readline';
import { builtinCommands, dispatch, type CommandContext, type CommandTable, type ConductorClient } from './commands.js';
import { LazyControllerClient } from './connection.js';
import { HistoryFile, HISTORY_MAX } from './history.js';
import { NoticeFeed } from './notices.js';
import { complete } from './complete.js';
import { CompletionSource } from './completion-source.js';
import { verbCommands, type RunVerb, type VerbSpec } from './verbs.js';
import { installReverseSearch } from './reverse-search.js';

export const PROMPT = 'miyabi> ';

export interface ConductorOptions {
  /** The controller's IPC socket (projectPaths(root).socket). */
  socketPath: string;
  /** Persistent history (projectPaths(root).conductorHistory). */
  historyFile: string;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  /** Defaults to builtinCommands; later verbs extend it. */
  commands?: CommandTable;
  /** For tests: a client instead of connecting to socketPath. */
  client?: ConductorClient;
  historySize?: number;
  /** Print pipeline notices as they happen (default: on, unless a test client is given). */
  notices?: boolean;
  /** The CLI's verbs (from its own command definitions) and how to run one: every verb, no second list. */
  verbs?: { specs: VerbSpec[]; run: RunVerb };
  /** The project root, for completing pipeline names. */
  root?: string;
  /** Treat the streams as a terminal (tests drive Ctrl-R through pipes); default: output.isTTY. */
  terminal?: boolean;
  /**
   * The session's own conductor pane: `exit`, `quit` and C-d do not end it (a dead pane is no use
   * to anyone, and a respawn would look like nothing happened); they say how to leave instead.
   */
  inSession?: boolean;
}

export const STAY_HINT = 'this pane is the session\'s conductor and stays: `detach` (or C-b d) leaves the session running, `down` stops it';

/** What only the conductor has (the CLI's verbs come from the CLI). */
const OWN = ['help', 'clear', 'exit', 'quit', 'ping', 'detach'] as const;

function commandTable(opts: ConductorOptions): CommandTable {
  if (opts.commands) return opts.commands;
  if (!opts.verbs) return builtinCommands;
  const own = Object.fromEntries(OWN.map((n) => [n, builtinCommands[n]]).filter((e) => e[1] !== undefined));
  return { ...verbCommands(opts.verbs.specs, opts.verbs.run), ...own };
}

/**
 * The conductor REPL: reads a line, runs it through the command table, prints the result, and
 * goes on until `exit`, `quit` or end of input (C-d). Resolves when it is over.
 */
export async function runConductor(opts: ConductorOptions): Promise<void> {
  const input = opts.input ?? process.stdin;
  const output = opts.output ?? process.stdout;
  const history = new HistoryFile(opts.historyFile, opts.historySize ?? HISTORY_MAX);
  const past = history.load();
  const lazy = opts.client ? null : new LazyControllerClient(opts.socketPath);
  const client: ConductorClient = opts.client ?? (lazy as LazyControllerClient);

  const commands = commandTable(opts);
  const source = new CompletionSource(client, opts.root ?? null, () => Object.keys(commands), opts.verbs?.specs ?? []);
  const rl = createInterface({
    input,
    output,
    prompt: PROMPT,
    completer: (line: string, cb: (err: null, result: [string[], string]) => void) => {
      source.names().then((n) => cb(null, complete(line, n)), () => cb(null, [[], line]));
    },
    history: [...past].reverse(),
    historySize: opts.historySize ?? HISTORY_MAX,
    removeHistoryDuplicates: false,
    ...(opts.terminal !== undefined ? { terminal: opts.terminal } : {}),
  });
  const tty = (rl as unknown as { terminal: boolean }).terminal;
  if (tty) installReverseSearch(rl, PROMPT);

  let exiting = false;
  const ctx: CommandContext = {
    client,
    commands,
    print: (text) => {
      output.write(text.endsWith('\n') ? text : text + '\n');
    },
    clear: () => {
      cursorTo(output, 0, 0);
      clearScreenDown(output);
    },
    exit: () => {
      if (opts.inSession) ctx.print(STAY_HINT);
      else exiting = true;
    },
  };

  // C-c clears the line being typed, as in a shell; it does not leave. While a verb runs (tail -f,
  // logs -f), it stops that verb, as C-c stops it in a shell.
  let running = false;
  rl.on('SIGINT', () => {
    if (running) {
      process.emit('SIGINT');
      return;
    }
    output.write('^C');
    // Interface#clearLine (moves past the line, newline, empties it) is real but not in @types/node.
    (rl as unknown as { clearLine(): void }).clearLine();
    rl.prompt();
  });

  let ended = false;
  rl.on('close', () => {
    ended = true;
  });
  // C-d on an empty line: readline would close; in the session's pane it only says how to leave.
  if (opts.inSession && tty) {
    const r = rl as unknown as { _ttyWrite(s: string | undefined, k: { name?: string; ctrl?: boolean } | undefined): void; line: string };
    const next = r._ttyWrite.bind(r);
    r._ttyWrite = (ch, key) => {
      if (key?.ctrl && key.name === 'd' && r.line === '') {
        output.write(`\r\x1b[K${STAY_HINT}\n`);
        rl.prompt();
        return;
      }
      next(ch, key);
    };
  }

  // A notice arrives while a person may be typing: it goes above the prompt, and the line is kept.
  const feed = (opts.notices ?? !opts.client)
    ? new NoticeFeed(opts.socketPath, (line) => {
        // On a terminal the notice takes the prompt's row and the prompt is drawn again below it.
        output.write(tty ? `\r\x1b[K${line}\n` : `${line}\n`);
        if (tty) rl.prompt(true);
      })
    : null;
  feed?.start();
  ctx.print('miyabi conductor; type help for the commands');
  rl.prompt();
  try {
    for await (const line of rl) {
      history.append(line);
      running = true;
      await dispatch(line, ctx).finally(() => {
        running = false;
      });
      if (exiting) break;
      rl.prompt();
    }
    // C-d on an empty line leaves the cursor after the prompt.
    if (!exiting && ended && tty) output.write('\n');
  } finally {
    rl.close();
    lazy?.close();
    feed?.stop();
  }
}
