import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, statSync } from 'node:fs';
import { errorFromJSON, MiyabiError } from '../core/errors.js';
import { controllerMain } from '../core/package-paths.js';
import type { ProjectPaths } from '../core/paths.js';
import { ensurePrivateDir } from '../core/private-dir.js';
import { IpcClient } from '../ipc/client.js';

const EXIT_ALREADY_RUNNING = 3;

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** The controller's own reason for failing, written to its log as one tagged line. */
function startError(logPath: string, from: number): MiyabiError | null {
  let text = '';
  try {
    text = readFileSync(logPath).subarray(from).toString('utf8');
  } catch {
    return null;
  }
  const line = text.split('\n').find((l) => l.startsWith('miyabi-start-error '));
  if (line) return errorFromJSON(JSON.parse(line.slice('miyabi-start-error '.length)) as { code: string; message: string });
  const tail = text.trim().split('\n').slice(-5).join('\n');
  return tail ? new MiyabiError('CONTROLLER_START', `the controller failed to start:\n${tail}`) : null;
}

/**
 * Starts the controller detached from this terminal (Nx startInBackground): own process group,
 * stdio to the log, unref'd; then waits for its socket to answer. When two `up` race, the loser's
 * controller exits with EXIT_ALREADY_RUNNING and this keeps waiting for the winner.
 */
export async function startController(
  paths: ProjectPaths,
  args: { tmuxSocket: string; layout?: string },
  deadlineMs = 15_000,
): Promise<IpcClient> {
  for (const d of [paths.dir, paths.run, paths.logs]) ensurePrivateDir(d);
  const from = sizeOf(paths.controllerLog);
  const fd = openSync(paths.controllerLog, 'a', 0o600);
  const argv = [controllerMain(), '--root', paths.root, '--tmux-socket', args.tmuxSocket];
  if (args.layout) argv.push('--layout', args.layout);
  const child = spawn(process.execPath, argv, {
    detached: true,
    stdio: ['ignore', fd, fd],
    cwd: paths.root,
    env: process.env,
  });
  closeSync(fd);
  let exited: number | null = null;
  child.once('exit', (code) => {
    exited = code ?? 1;
  });
  child.unref();

  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    if (exited !== null && exited !== EXIT_ALREADY_RUNNING) {
      throw startError(paths.controllerLog, from) ?? new MiyabiError('CONTROLLER_START', `the controller exited with ${exited}`);
    }
    try {
      const c = await IpcClient.connect(paths.socket, 500);
      await c.request('ping', undefined, 2000);
      return c;
    } catch {
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  throw new MiyabiError('CONTROLLER_START', `the controller did not answer within ${deadlineMs} ms`, {
    hint: `see ${paths.controllerLog}`,
  });
}
