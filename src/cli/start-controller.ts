import { spawn, type ChildProcess } from 'node:child_process';
import { errorFromJSON, MiyabiError } from '../core/errors.js';
import { controllerMain } from '../core/package-paths.js';
import { findProjectRoot, projectPaths, tmuxSocketName, type ProjectPaths } from '../core/paths.js';
import type { StartMessage } from '../ipc/start-message.js';
import type { UpMessage } from '../session/handover.js';
import { IpcClient } from '../ipc/client.js';
import { processIo, type Io } from './io.js';
import type { StatusResult } from '../ipc/protocol.js';

/** When two `up` race, the loser waits for the winner's controller to listen, and answers with its status. */
export async function waitForRunning(paths: ProjectPaths, deadline: number): Promise<StatusResult> {
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
 * The controller's command line. It starts its supervisor (which starts it again if it dies) once
 * it has told the `up` that started it (controller/supervise.ts). MIYABI_SUPERVISE=0: none.
 */
function controllerArgv(paths: ProjectPaths, args: { tmuxSocket: string; layout?: string | undefined }): string[] {
  const argv = [controllerMain(), '--root', paths.root, '--tmux-socket', args.tmuxSocket];
  if (args.layout) argv.push('--layout', args.layout);
  if (process.env.MIYABI_SUPERVISE !== '0') argv.push('--supervise');
  return argv;
}

/**
 * A controller for `up` to hand a session to (session/handover.ts): it loads while `up` checks
 * and builds, and waits to be told. Its channel does not keep `up` alive; closed untold, it stops.
 */
export function spawnHandoverController(paths: ProjectPaths, args: { tmuxSocket: string; layout?: string | undefined }): ChildProcess {
  const child = spawn(process.execPath, [...controllerArgv(paths, args), '--handover'], {
    detached: true,
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    cwd: paths.root,
    // Only the supervisor says a controller is supervised (a bare one started from inside a pane is not).
    env: { ...process.env, MIYABI_SUPERVISED: undefined },
  });
  child.unref();
  child.channel?.unref();
  return child;
}

/**
 * Ends a controller started for a handover that was never passed the lock: it holds nothing
 * (session/handover.ts), so SIGKILL loses nothing. Resolves once it is gone, so that no second
 * controller outlives the `up` that started it.
 */
export async function dropChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.ref(); // until its exit is seen
  const gone = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGKILL');
  await gone;
}

/** The same, started by the quick `up` before it loads the verb, for the project and tmux server `up` will find. */
export function earlyController(o: { socket?: string; layout?: string | undefined }): ChildProcess {
  return spawnHandoverController(projectPaths(findProjectRoot()), { tmuxSocket: tmuxSocketName(o.socket), layout: o.layout });
}

export interface StartingController {
  pid: number | undefined;
  /** Its status once it listens, or why it could not start. */
  started: Promise<StatusResult>;
  /** Tells it the next step (session/handover.ts); false when it is gone. */
  tell(m: UpMessage): boolean;
  /** Ends it before it was passed the lock (it holds nothing yet): resolves once it is gone. */
  drop(): Promise<void>;
  /** It has answered (with its status, or why it could not start), or it has exited. */
  readonly done: boolean;
}

/**
 * `started` waits for the one message a controller from spawnHandoverController sends over the
 * spawn IPC channel: its status once it listens, or why it could not start. Meanwhile `up` tells it
 * each step (session/handover.ts).
 */
export function watchController(paths: ProjectPaths, child: ChildProcess, io: Io = processIo, deadlineMs = 20_000): StartingController {
  let giveUp = (_e: Error): void => undefined;
  let done = false;
  const timeout = new MiyabiError('CONTROLLER_START', `the controller did not start within ${deadlineMs} ms`, { hint: `see ${paths.controllerLog}` });
  const started = new Promise<StatusResult>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => settle(timeout), deadlineMs);
    const release = () => {
      clearTimeout(timer);
      if (child.connected) child.disconnect();
      child.unref();
    };
    const settle = (r: StatusResult | Error) => {
      if (settled) return;
      settled = true;
      done = r !== timeout;
      release();
      if (r instanceof Error) reject(r);
      else resolve(r);
    };
    child.once('message', (m: StartMessage) => {
      if (m.ok) {
        // What the layout holds that miyabi does not map, at its file:line: said by the `up` that asked.
        for (const w of m.warnings ?? []) io.err(`${w}\n`);
        return settle(m.status);
      }
      settle(errorFromJSON(m.error));
    });
    child.once('exit', (code, signal) =>
      settle(new MiyabiError('CONTROLLER_START', `the controller exited (${signal ?? code}) before it was ready`, { hint: `see ${paths.controllerLog}` })),
    );
    child.once('error', (e) => settle(new MiyabiError('CONTROLLER_START', `could not start the controller: ${e.message}`, { cause: e })));
    giveUp = settle;
  });
  return {
    pid: child.pid,
    started,
    get done() {
      return done;
    },
    tell: (m) => {
      if (!child.connected) return false;
      child.send(m);
      return true;
    },
    drop: async () => {
      started.catch(() => undefined);
      giveUp(new MiyabiError('CONTROLLER_START', 'not needed'));
      await dropChild(child);
    },
  };
}

