import { runConductor } from '../../ui/conductor/repl.js';
import { runDashboard } from '../../ui/dashboard/app.js';
import { cliContext, type GlobalOptions } from '../context.js';

export async function conductor(o: GlobalOptions): Promise<number> {
  const { paths } = cliContext(o);
  await runConductor({ socketPath: paths.socket, historyFile: paths.conductorHistory });
  return 0;
}

export async function dashboard(o: GlobalOptions): Promise<number> {
  const { paths } = cliContext(o);
  // In the session's own pane, q detaches the person: the pane never dies under them.
  await runDashboard({ socketPath: paths.socket, inSession: process.env.MIYABI_ROLE === 'dashboard' && Boolean(process.env.TMUX) });
  return 0;
}
