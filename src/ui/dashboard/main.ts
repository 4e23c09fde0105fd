/**
 * A runnable entry for the dashboard alone (`node dist/ui/dashboard/main.js --socket <path>`), used
 * by the end-to-end tests. `miyabi dashboard` calls runDashboard directly.
 */
import { Command } from 'commander';
import { findProjectRoot, projectPaths } from '../../core/paths.js';
import { runDashboard } from './app.js';

const program = new Command('miyabi-dashboard')
  .description('the miyabi dashboard')
  .option('--socket <path>', "the controller's IPC socket (default: this project's)")
  .option('--in-session', 'q detaches the tmux client instead of leaving')
  .option('--poll <ms>', 'status poll period in ms', (v) => Number.parseInt(v, 10))
  .parse();

const o = program.opts<{ socket?: string; poll?: number; inSession?: boolean }>();
await runDashboard({
  socketPath: o.socket ?? projectPaths(findProjectRoot()).socket,
  pollMs: o.poll,
  inSession: o.inSession === true,
});
