import { spawn } from 'node:child_process';
import { errorFromJSON, MiyabiError } from '../core/errors.js';
import { controllerMain } from '../core/package-paths.js';
import type { ProjectPaths } from '../core/paths.js';
import type { StartMessage } from '../ipc/start-message.js';
import { readLock } from '../core/instance-lock.js';
import { IpcClient } from '../ipc/client.js';
import type { StatusResult } from '../ipc/protocol.js';

/** When two `up` race, the loser's controller reports this and the winner's socket is awaited. */
async function waitForRunning(paths: ProjectPaths, deadline: number): Promise<StatusResult> {
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const c = await IpcClient.connect(paths.socket, 500);
      try {
        return await c.request('status', undefined, 5000);
      } finally {
        c.close();
      }
    } catch (e) {
      last = e;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  throw new MiyabiError('CONTROLLER_START', 'another controller holds the lock but does not answer', {
    hint: `see ${paths.controllerLog}; \`miyabi doctor\` shows stale locks`,
    cause: last,
  });
}

/**
 * Starts the controller detached from this terminal (own session and process group, no stdio,
 * unref'd) and waits for the one message it sends over the spawn IPC channel: its status once
 * the session is built, or why it could not start. The controller checks the layout itself
 * before creating anything, so `up` needs neither the YAML nor the tmux modules.
 */
export function startController(
  paths: ProjectPaths,
  args: { tmuxSocket: string; layout?: string },
  deadlineMs = 20_000,
): Promise<StatusResult> {
  const deadline = Date.now() + deadlineMs;
  // The controller itself, one node start on `up`'s path; it starts its supervisor (which starts it
  // again if it dies) once it has told us (controller/supervise.ts). MIYABI_SUPERVISE=0: none.
  const argv = [controllerMain(), '--root', paths.root, '--tmux-socket', args.tmuxSocket];
  if (args.layout) argv.push('--layout', args.layout);
  if (process.env.MIYABI_SUPERVISE !== '0') argv.push('--supervise');
  const child = spawn(process.execPath, argv, {
    detached: true,
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    cwd: paths.root,
    // Only the supervisor says a controller is supervised (a bare one started from inside a pane is not).
    env: { ...process.env, MIYABI_SUPERVISED: undefined },
  });
  return new Promise<StatusResult>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => settle(new MiyabiError('CONTROLLER_START', `the controller did not start within ${deadlineMs} ms`, { hint: `see ${paths.controllerLog}` })), deadlineMs);
    const release = () => {
      clearTimeout(timer);
      if (child.connected) child.disconnect();
      child.unref();
    };
    const settle = (r: StatusResult | Error) => {
      if (settled) return;
      settled = true;
      release();
      if (r instanceof Error) reject(r);
      else resolve(r);
    };
    child.once('message', (m: StartMessage) => {
      if (m.ok) {
        // What the layout holds that miyabi does not map, at its file:line: said by the `up` that asked.
        for (const w of m.warnings ?? []) process.stderr.write(`${w}\n`);
        return settle(m.status);
      }
      // A `miyabi run` holding the project with no controller will not answer: say so at once.
      if (m.error.code === 'CONTROLLER_RUNNING' && readLock(paths.lock)?.role !== 'run') {
        settled = true;
        release();
        return waitForRunning(paths, deadline).then(resolve, reject);
      }
      settle(errorFromJSON(m.error));
    });
    child.once('exit', (code, signal) =>
      settle(new MiyabiError('CONTROLLER_START', `the controller exited (${signal ?? code}) before it was ready`, { hint: `see ${paths.controllerLog}` })),
    );
    child.once('error', (e) => settle(new MiyabiError('CONTROLLER_START', `could not start the controller: ${e.message}`, { cause: e })));
  });
}
