import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { isMiyabiError } from '../core/errors.js';

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** Each verb's module is imported only when it runs, so quick verbs stay quick. */
type Action = (opts: Record<string, unknown>) => Promise<number>;

function program(run: (a: () => Promise<Action>, opts: Record<string, unknown>) => void): Command {
  const p = new Command('miyabi')
    .description('a tmux-native orchestrator for many AI coding agents side by side')
    .addOption(new Option('--socket <name>', 'tmux server name (tmux -L); default "miyabi"').env('MIYABI_TMUX_SOCKET'))
    .version(packageVersion(), '-V, --version', 'the miyabi version')
    .showHelpAfterError('(run `miyabi --help` for usage)')
    .configureHelp({ showGlobalOptions: true })
    .exitOverride();
  const verb = (name: string, summary: string) =>
    p.command(name).description(summary).configureHelp({ showGlobalOptions: true }).exitOverride();
  const all = (c: Command) => ({ ...p.opts(), ...c.opts() });

  verb('up', 'start the session and its controller, or attach to it')
    .option('-l, --layout <name|path>', 'layouts/NAME.yaml or a layout file')
    .option('-d, --detach', 'do not attach; report the session instead')
    .option('--json', 'print the status as JSON (implies --detach)')
    .action((_o, c: Command) => run(async () => (await import('./verbs/up.js')).up as Action, all(c)));
  verb('init', "write layouts/default.yaml for this project from the agent CLIs installed (claude, codex, aider, gemini)")
    .option('--force', 'overwrite an existing layouts/default.yaml')
    .action((_o, c: Command) => run(async () => (await import('./verbs/init.js')).init as Action, all(c)));
  verb('layouts', 'the layouts `up --layout NAME` finds: this project\'s and the built-in ones')
    .option('--json', 'machine-readable output')
    .action((_o, c: Command) => run(async () => (await import('./verbs/layouts.js')).layouts as Action, all(c)));
  verb('down', 'end the session and stop the controller').action((_o, c: Command) =>
    run(async () => (await import('./verbs/down.js')).down as Action, all(c)),
  );
  verb('status', 'session, controller and every pane')
    .option('--json', 'machine-readable output')
    .action((_o, c: Command) => run(async () => (await import('./verbs/status.js')).status as Action, all(c)));
  verb('attach', 'attach this terminal to the session').action((_o, c: Command) =>
    run(async () => (await import('./verbs/attach.js')).attach as Action, all(c)),
  );
  verb('doctor', 'check tmux, git, permissions, locks, sockets and the journal, each with a fix')
    .option('--json', 'machine-readable output')
    .option('--repair', 'repair a damaged journal (keeps the valid records, moves the rest aside)')
    .option('--install-watchdog', 'start this project again after a reboot or crash: a systemd user timer, or crontab lines without systemd --user')
    .option('--uninstall-watchdog', 'remove the watchdog --install-watchdog wrote')
    .addOption(new Option('--watchdog-tick', 'what the watchdog runs each minute: up, with backoff, unless stopped with down').hideHelp())
    .action((_o, c: Command) => run(async () => (await import('./verbs/doctor.js')).doctor as Action, all(c)));
  for (const name of ['send', 'broadcast'] as const) {
    verb(name, name === 'send' ? 'send a message to an agent (see miyabi send --help)' : 'send a message to every agent')
      .helpOption(false)
      .allowUnknownOption()
      .allowExcessArguments()
      .argument('[args...]')
      .action((args: string[]) => run(async () => async () => (await import('./verbs/send.js')).sendMain(args, name === 'broadcast'), {}));
  }
  verb('inbox', 'queued, delivered and failed messages, with why a queued one waits; or one message by id')
    .argument('[agent|id]', "an agent's inbox, or one message (its short id as shown, or the full id)")
    .option('--json', 'machine-readable output')
    .option('--all', 'every delivered message, not only the last 10 per agent')
    .action((agent: string | undefined, _o, c: Command) =>
      run(async () => (await import('./verbs/inbox.js')).inbox as Action, { ...all(c), agent }),
    );
  verb('tail', "what an agent's pane printed (ANSI stripped)")
    .argument('<agent>')
    .option('-f, --follow', 'keep printing new output')
    .option('-n, --lines <n>', 'lines to show', '20')
    .action((agent: string, _o, c: Command) =>
      run(async () => (await import('./verbs/tail.js')).tail as unknown as Action, { ...all(c), agent }),
    );
  verb('validate', 'check pipelines, skills and layouts (default: the project\'s pipelines/, skills/, layouts/)')
    .argument('[files...]')
    .action((files: string[], _o, c: Command) =>
      run(async () => (await import('./verbs/validate.js')).validate as Action, { ...all(c), files }),
    );
  verb('run', 'run a pipeline in the controller (or, with no controller up, in this process)')
    .argument('[pipeline]', 'a pipelines/NAME.yaml name or a file')
    .option('--var <name=value>', 'a run variable (repeatable), e.g. --var branch=main', (v: string, prev: string[] = []) => [...prev, v])
    .option('--wait', 'follow the run stage by stage and exit with its outcome (0: succeeded)')
    .option('--resume <run>', 'resume an interrupted run from its last finished stage')
    .addOption(new Option('--run-id <id>').hideHelp())
    .action((pipeline: string | undefined, _o, c: Command) =>
      run(async () => (await import('./verbs/run.js')).run as Action, { ...all(c), pipeline }),
    );
  verb('runs', 'pipeline runs with each stage\'s outcome and duration')
    .option('--json', 'machine-readable output')
    .action((_o, c: Command) => run(async () => (await import('./verbs/runs.js')).runs as Action, all(c)));
  verb('logs', 'the logs of a run (every stage, or one)')
    .argument('<run>')
    .argument('[stage]')
    .option('-f, --follow', 'keep printing until the run ends')
    .action((runId: string, stage: string | undefined, _o, c: Command) =>
      run(async () => (await import('./verbs/logs.js')).logs as unknown as Action, { ...all(c), run: runId, stage }),
    );
  verb('metrics', 'the metrics kept from the journal, in the Prometheus text format')
    .option('--json', 'the series as JSON')
    .action((_o, c: Command) => run(async () => (await import('./verbs/metrics.js')).metricsVerb as Action, all(c)));
  verb('metric', 'set an external figure: metric set <name> <value> (journaled)')
    .argument('<action>')
    .argument('[name]')
    .argument('[value]')
    .action((action: string, name: string | undefined, value: string | undefined, _o, c: Command) =>
      run(async () => (await import('./verbs/metrics.js')).metricSetVerb as unknown as Action, { ...all(c), action, name, value }),
    );
  verb('report', 'a report from the journal: agents, pipelines, bus, triggers, recovery, failures')
    .option('--since <when>', 'only records from then: 30m, 1h, 7d, or a date')
    .option('--kind <kind>', 'summary (default), daily, monthly, errors, success')
    .option('--json', 'machine-readable output')
    .option('--md', 'markdown (the default)')
    .action((_o, c: Command) => run(async () => (await import('./verbs/report.js')).reportVerb as Action, all(c)));
  verb('cancel', 'cancel a run (its commands\' process groups are killed)')
    .argument('<run>')
    .action((runId: string, _o, c: Command) =>
      run(async () => (await import('./verbs/cancel.js')).cancel as unknown as Action, { ...all(c), run: runId }),
    );
  verb('worktree', "the agents' git worktrees: list | prune | clean [names…] | restore <name> | archives [name]")
    .argument('<action>')
    .argument('[names...]')
    .option('--json', 'machine-readable output')
    .option('--force', 'clean: remove worktrees that hold work (each is archived first)')
    .option('--ref <ref>', 'restore: the archive ref to restore (default: the newest)')
    .action((action: string, names: string[], _o, c: Command) =>
      run(async () => (await import('./verbs/worktree.js')).worktree as unknown as Action, { ...all(c), action, names }),
    );
  verb('spawn', 'start an agent in a new pane, in a git worktree of its own')
    .argument('<name>')
    .option('-c, --command <cmd>', 'what the agent runs (default: your shell)')
    .option('--worktree', 'give it a worktree (the default in a git repository)')
    .option('--no-worktree', 'run it in the project folder')
    .option('--base <ref>', 'the worktree branches from this ref (default HEAD)')
    .option('--reuse', 'take the worktree miyabi already has for this name (e.g. after worktree restore)')
    .action((name: string, _o, c: Command) => run(async () => (await import('./verbs/agents.js')).spawnVerb as unknown as Action, { ...all(c), name }));
  verb('kill', 'stop an agent')
    .argument('<name>')
    .option('--clean', 'also remove its worktree (refused when it holds work)')
    .option('--force', 'with --clean: remove it even so, after archiving it')
    .action((name: string, _o, c: Command) => run(async () => (await import('./verbs/agents.js')).killVerb as unknown as Action, { ...all(c), name }));
  verb('restart', 'restart a pane in place with its own command, cwd, env and worktree (recovery L1 by hand)')
    .argument('<name>')
    .action((name: string, _o, c: Command) => run(async () => (await import('./verbs/recovery.js')).restartVerb as unknown as Action, { ...all(c), name }));
  verb('recover', 'recover an agent through the ladder: 1 pane, 2 session, 3 full, 4 infrastructure')
    .argument('<name>')
    .option('--level <n>', 'start at this level')
    .action((name: string, _o, c: Command) => run(async () => (await import('./verbs/recovery.js')).recoverVerb as unknown as Action, { ...all(c), name }));
  verb('health', "each pane's last heartbeat, state, restarts per level and next escalation")
    .option('--json', 'machine-readable output')
    .action((_o, c: Command) => run(async () => (await import('./verbs/recovery.js')).healthVerb as unknown as Action, all(c)));
  verb('agents', 'the agents: pane, pid, alive, branch, command')
    .alias('ls')
    .option('--json', 'machine-readable output')
    .action((_o, c: Command) => run(async () => (await import('./verbs/agents.js')).agentsVerb as unknown as Action, all(c)));
  verb('task', 'the task queue: add <text…> | list | cancel <id>')
    .argument('<action>')
    .argument('[args...]')
    .option('--agent <name>', 'add: only this agent may take it')
    .option('--priority <p>', 'add: high | normal | low')
    .option('--label <label>', 'add: a label (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--timeout <duration>', 'add: e.g. 30m, 1h30m (from when it starts)')
    .option('--json', 'machine-readable output')
    .action((action: string, args: string[], _o, c: Command) =>
      run(async () => (await import('./verbs/tasks.js')).taskVerb as unknown as Action, { ...all(c), action, args }),
    );
  verb('assign', 'hand a task to an agent now')
    .argument('<agent>')
    .argument('<task>')
    .action((agent: string, id: string, _o, c: Command) => run(async () => (await import('./verbs/tasks.js')).assignVerb as unknown as Action, { ...all(c), agent, id }));
  verb('done', "an agent's task is finished (typed in the agent's pane)")
    .argument('[task]')
    .option('--fail [reason]', 'it failed, and why')
    .action((id: string | undefined, _o, c: Command) => run(async () => (await import('./verbs/tasks.js')).doneVerb as unknown as Action, { ...all(c), id }));
  verb('heartbeat', "an agent is alive and working (typed in the agent's pane)").action((_o, c: Command) =>
    run(async () => (await import('./verbs/tasks.js')).heartbeatVerb as Action, all(c)),
  );
  verb('hook', "what an agent CLI's hook runs: prompt-submit | stop | notification")
    .argument('<event>')
    .allowExcessArguments() // Codex's notify adds a JSON argument
    .action((event: string, _o, c: Command) => run(async () => (await import('./verbs/tasks.js')).hookVerb as unknown as Action, { ...all(c), event }));
  verb('emit', 'put an event on the bus for the triggers (it fires after up when no controller runs)')
    .argument('<type>', 'a dotted event type, e.g. git.push')
    .argument('[pairs...]', 'payload fields as key=value')
    .option('--json <data>', 'payload fields as a JSON object')
    .option('--id <id>', 'the event id rules dedupe on (default: a new one)')
    .action((type: string, pairs: string[], _o, c: Command) => run(async () => (await import('./verbs/emit.js')).emit as unknown as Action, { ...all(c), type, pairs }));
  verb('triggers', 'trigger rules with last and next firing and count; test <type> [k=v…] is a dry run')
    .argument('[action]', 'test')
    .argument('[args...]')
    .option('--json', 'machine-readable output')
    .action((action: string | undefined, args: string[], _o, c: Command) =>
      run(async () => (await import('./verbs/triggers.js')).triggers as unknown as Action, { ...all(c), action, args }),
    );
  verb('hooks', 'git hooks that emit git.commit, git.push, git.merge: install | uninstall | status')
    .argument('<action>')
    .action((action: string, _o, c: Command) => run(async () => (await import('./verbs/hooks.js')).hooks as unknown as Action, { ...all(c), action }));
  // The conductor gets this very program: its verbs are the CLI's, walked from here (one table).
  verb('conductor', 'the conductor REPL (runs in the conductor pane)').action((_o, c: Command) =>
    run(async () => (await import('./verbs/ui.js')).conductor as Action, { ...all(c), cli: { program: p, main } }),
  );
  verb('dashboard', 'the live dashboard (runs in the dashboard pane)').action((_o, c: Command) =>
    run(async () => (await import('./verbs/ui.js')).dashboard as Action, all(c)),
  );
  return p;
}

function report(err: unknown): number {
  if (isMiyabiError(err)) {
    process.stderr.write(`miyabi: ${err.message}\n${err.hint ? `hint: ${err.hint}\n` : ''}`);
    return err.exitCode;
  }
  process.stderr.write(`miyabi: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return 1;
}

export async function main(argv: string[]): Promise<number> {
  let pending: Promise<number> | undefined;
  const p = program((load, opts) => {
    pending = load().then((action) => action(opts));
  });
  try {
    await p.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version are not errors; everything else commander refuses is bad usage
      return err.exitCode === 0 ? 0 : 2;
    }
    return report(err);
  }
  if (!pending) return 0;
  try {
    return await pending;
  } catch (err) {
    return report(err);
  }
}
