/**
 * A runnable entry for the conductor alone (`node dist/ui/conductor/main.js --socket <path>
 * --history <file>`), used by the end-to-end tests. `miyabi conductor` calls runConductor directly.
 */
import { Command } from 'commander';
import { findProjectRoot, projectPaths } from '../../core/paths.js';
import { runConductor } from './repl.js';

const program = new Command('miyabi-conductor')
  .description('the miyabi conductor REPL')
  .option('--socket <path>', "the controller's IPC socket (default: this project's)")
  .option('--history <file>', "history file (default: this project's)")
  .parse();

const o = program.opts<{ socket?: string; history?: string }>();
const paths = o.socket && o.history ? undefined : projectPaths(findProjectRoot());
await runConductor({
  socketPath: o.socket ?? (paths?.socket as string),
  historyFile: o.history ?? (paths?.conductorHistory as string),
});
