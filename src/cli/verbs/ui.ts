import type { Command } from 'commander';
import { runConductor } from '../../ui/conductor/repl.js';
import type { VerbSpec } from '../../ui/conductor/verbs.js';
import { runDashboard } from '../../ui/dashboard/app.js';
import { cliContext, type GlobalOptions } from '../context.js';

/** The CLI's verbs as commander defines them: names, aliases, arguments, flags. */
export function verbSpecs(program: Command): VerbSpec[] {
  return program.commands.map((c) => ({
    name: c.name(),
    aliases: c.aliases(),
    summary: c.description(),
    args: c.registeredArguments.map((a) => (a.required ? `<${a.name()}${a.variadic ? '...' : ''}>` : `[${a.name()}${a.variadic ? '...' : ''}]`)),
    flags: c.options.filter((o) => !o.hidden).flatMap((o) => [o.long, o.short].filter((f): f is string => typeof f === 'string')),
  }));
}

export async function conductor(o: GlobalOptions & { cli?: { program: Command; main: (argv: string[]) => Promise<number> } }): Promise<number> {
  const { paths } = cliContext(o);
  const cli = o.cli;
  await runConductor({
    socketPath: paths.socket,
    historyFile: paths.conductorHistory,
    root: paths.root,
    // The session's conductor pane stays: `exit` there says how to detach or stop instead.
    inSession: process.env.MIYABI_ROLE === 'conductor' && Boolean(process.env.TMUX),
    // Each verb runs in this process as `miyabi <verb>` would, its output streaming to this pane.
    ...(cli ? { verbs: { specs: verbSpecs(cli.program), run: (argv) => cli.main(['node', 'miyabi', ...argv]) } } : {}),
  });
  return 0;
}

export async function dashboard(o: GlobalOptions): Promise<number> {
  const { paths } = cliContext(o);
  // In the session's own pane, q detaches the person: the pane never dies under them.
  await runDashboard({ socketPath: paths.socket, inSession: process.env.MIYABI_ROLE === 'dashboard' && Boolean(process.env.TMUX) });
  return 0;
}
