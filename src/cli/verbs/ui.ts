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
  await runDashboard({ socketPath: paths.socket });
  return 0;
}
