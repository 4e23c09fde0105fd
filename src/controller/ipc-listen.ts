import { existsSync, lstatSync, unlinkSync } from 'node:fs';
import { createConnection } from 'node:net';
import { dirname } from 'node:path';
import { MiyabiError } from '../core/errors.js';
import { ensurePrivateDir } from '../core/private-dir.js';
import { IpcServer } from '../ipc/server.js';

/** Resolves true when something answers on the socket (git's is_another_server_alive). */
export function probeSocket(path: string, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection(path);
    const done = (alive: boolean) => {
      clearTimeout(timer);
      s.destroy();
      resolve(alive);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/** What binds a unix socket: the controller's IpcServer, or a spare's plain one (spare/main.ts). */
export interface Listener {
  listen(path: string): Promise<void>;
}

export interface BoundSocket<S extends Listener = IpcServer> {
  server: S;
  /** Unlinks the socket only if it is still ours (git's unix_ss_was_stolen). */
  unlinkIfOurs(): void;
}

/**
 * Binds the IPC socket 0600: a stale socket is removed, a live one is never touched. `ownDir`: the
 * socket was relocated (a project path too long for a socket) into a folder of its own, made 0700.
 */
export async function listenIpc<S extends Listener = IpcServer>(server: S, path: string, o: { ownDir?: boolean } = {}): Promise<BoundSocket<S>> {
  if (o.ownDir) ensurePrivateDir(dirname(path));
  if (existsSync(path)) {
    if (await probeSocket(path)) {
      throw new MiyabiError('CONTROLLER_RUNNING', `another controller answers on ${path}`, {
        hint: 'use `miyabi status` or `miyabi down`',
      });
    }
    const st = lstatSync(path);
    if (!st.isSocket()) throw new MiyabiError('UNSAFE_PATH', `${path} exists and is not a socket`, { hint: `remove it` });
    unlinkSync(path);
  }
  const old = process.umask(0o177);
  try {
    await server.listen(path);
  } finally {
    process.umask(old);
  }
  const { ino, dev } = lstatSync(path);
  return {
    server,
    unlinkIfOurs: () => {
      try {
        const st = lstatSync(path);
        if (st.ino === ino && st.dev === dev) unlinkSync(path);
      } catch {
        // already gone
      }
    },
  };
}
