/**
 * Runs one command in its own process group (spawned detached, so the child leads a new group) and
 * kills the whole group — the command and everything it started — on abort (timeout, cancel) and
 * when the command itself exits (no stragglers outlive their stage). Output goes to the stage's log
 * file; standard output is also kept (up to 1 MiB) as the action's result.
 */
import { appendFileSync } from 'node:fs';
import { ActionError } from '../pipelines/action-error.js';
import { killGroup, terminateGroup } from './process-group.js';


const MAX_KEEP = 1024 * 1024;

export interface CommandOptions {
  cwd: string;
  env: Record<string, string>;
  logFile: string;
  signal: AbortSignal;
  /** Called with the group's id once the command is running (cancel reads it from the run folder). */
  onSpawn?: (pgid: number) => void;
  onExit?: (pgid: number) => void;
}

export interface CommandResult {
  stdout: string;
  exitCode: number;
}

export async function runCommand(argv: readonly string[], o: CommandOptions): Promise<CommandResult> {
  const [file, ...args] = argv as [string, ...string[]];
  const log = (s: string | Buffer) => {
    try {
      appendFileSync(o.logFile, s);
    } catch {
      // the log is for people; a full disk must not change the stage's outcome
    }
  };
  log(`$ ${argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ')}\n`);
  // Loaded on first use: evaluating execa costs the controller's start-up about 20 ms. Before the
  // check below: an abort while it loads must stop the command from starting at all.
  const { execa } = await import('execa');
  if (o.signal.aborted) throw new ActionError('cancelled before it started');
  const child = execa(file, args, {
    cwd: o.cwd,
    env: o.env,
    extendEnv: false,
    detached: true,
    stdin: 'ignore',
    buffer: false,
    reject: false,
    // execa's own cleanup kills only the leader; the group is ours to kill (below).
    cleanup: true,
  });
  const pgid = child.pid;
  let kept = '';
  child.stdout?.on('data', (d: Buffer) => {
    log(d);
    if (kept.length < MAX_KEEP) kept += d.toString('utf8');
  });
  child.stderr?.on('data', (d: Buffer) => log(d));
  const abort = () => {
    if (pgid !== undefined) terminateGroup(pgid);
  };
  if (pgid !== undefined) o.onSpawn?.(pgid);
  // A command that leaves a child in the background keeps our pipes open, and execa would wait
  // for them: when the command itself exits, its group goes with it, as the stage ends.
  child.once('exit', () => {
    if (pgid !== undefined) killGroup(pgid, 'SIGKILL');
  });
  o.signal.addEventListener('abort', abort, { once: true });
  try {
    const r = await child;
    if (r.failed && r.exitCode === undefined && r.signal === undefined) {
      const why = String((r as { originalMessage?: string }).originalMessage ?? r.message ?? 'could not start');
      log(`${why}\n`);
      throw new ActionError(`could not run ${file}: ${why}`, { exitCode: 127 });
    }
    if (o.signal.aborted) throw new ActionError(`stopped (${String(o.signal.reason ?? 'aborted')})`);
    const code = r.exitCode ?? 1;
    if (code !== 0 || r.signal) {
      throw new ActionError(r.signal ? `${file} was killed by ${r.signal}` : `${file} exited with code ${code}`, { exitCode: code });
    }
    return { stdout: kept.slice(0, MAX_KEEP), exitCode: 0 };
  } finally {
    o.signal.removeEventListener('abort', abort);
    // Whatever the command left running in its group goes with it.
    if (pgid !== undefined) {
      killGroup(pgid, 'SIGKILL');
      o.onExit?.(pgid);
    }
  }
}
