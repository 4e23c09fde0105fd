/**
 * The thin `up` (issue #17): when this user's spare controller waits (core/spare-paths.ts), the
 * request goes to it, and this process only starts node, sends, and prints the answer. A spare
 * that is absent, not ours, busy or gone before it answers is no spare: null, and the caller runs
 * `up` itself. Its own bundle (dist/cli/quick/spare.cjs): node built-ins and a few core files.
 */
import { createConnection } from 'node:net';
import { spareIsOurs, spareSpot } from '../core/spare-paths.js';
import type { SpareReply, SpareRequest } from '../ipc/spare-message.js';
import { attachTerminal } from '../tmux/attach.js';

/** Past this the spare is taken as stuck: `up` runs here (two `up` at once still make one session). */
const ANSWER_DEADLINE_MS = 60_000;

export function upViaSpare(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number | null> {
  const spot = spareSpot(env);
  if (!spot || !spareIsOurs(spot)) return Promise.resolve(null);
  const umask = process.umask(0o022);
  process.umask(umask);
  const request: SpareRequest = {
    args,
    cwd: process.cwd(),
    env: Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined)),
    umask,
    tty: process.stdout.isTTY === true && process.stdin.isTTY === true,
  };
  return new Promise((resolve) => {
    const sock = createConnection(spot.socket);
    let settled = false;
    let buf = '';
    const finish = (code: number | null, attach?: { socket: string; session: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.destroy();
      // The terminal is this process's: it attaches it, as `up` would have.
      resolve(attach ? attachTerminal(attach.socket, attach.session) : code);
    };
    const timer = setTimeout(() => finish(null), ANSWER_DEADLINE_MS);
    sock.setEncoding('utf8');
    sock.once('connect', () => sock.write(`${JSON.stringify(request)}\n`));
    sock.on('data', (chunk: string) => {
      buf += chunk;
      for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        let m: SpareReply;
        try {
          m = JSON.parse(line) as SpareReply;
        } catch {
          return finish(null);
        }
        if ('declined' in m) return finish(null);
        if ('code' in m) {
          process.stdout.write(m.out);
          process.stderr.write(m.err);
          return finish(m.code, m.attach);
        }
      }
    });
    sock.once('error', () => finish(null));
    sock.once('close', () => finish(null));
  });
}
