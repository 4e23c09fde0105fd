/**
 * A spare controller's one request (ipc/spare-message.ts): a thin `up` from any folder of this
 * user. The spare takes the caller's folder, environment and umask, so that what it builds (the
 * tmux server, the panes' scripts, the controller's own children) is what that `up` would have
 * built, runs `up` as the quick verb would, and answers with what it said. It is then that
 * project's controller, or, when `up` made none (another answers already, a bad layout), it
 * starts the next spare and ends.
 */
import type { Socket } from 'node:net';
import { guarded, type Io } from '../cli/io.js';
import { parseUp } from '../cli/up-args.js';
import { up } from '../cli/verbs/up.js';
import { MAX_SPARE_REQUEST, parseSpareRequest, type SpareReply, type SpareRequest } from '../ipc/spare-message.js';
import { inProcessController } from './in-process.js';
import { spawnSpare } from './spawn.js';

function send(sock: Socket, m: SpareReply, then?: () => void): void {
  sock.end(`${JSON.stringify(m)}\n`, then);
}

/** Reads the request line; null when the connection ends first or sends too much. */
function readRequest(sock: Socket): Promise<string | null> {
  return new Promise((resolve) => {
    let buf = '';
    sock.setEncoding('utf8');
    const onData = (chunk: string) => {
      buf += chunk;
      const i = buf.indexOf('\n');
      if (i >= 0 || buf.length > MAX_SPARE_REQUEST) {
        sock.off('data', onData);
        resolve(i >= 0 ? buf.slice(0, i) : null);
      }
    };
    sock.on('data', onData);
    sock.once('end', () => resolve(null));
    sock.once('error', () => resolve(null));
  });
}

/** The caller's environment and umask in place of ours (the warm-up read ours, and kept nothing of it); its folder is entered first. */
function takeCaller(r: SpareRequest): void {
  for (const k of Object.keys(process.env)) if (!Object.hasOwn(r.env, k)) delete process.env[k];
  Object.assign(process.env, r.env);
  // Only a supervisor says a controller is supervised (start-controller.ts spawnHandoverController).
  delete process.env.MIYABI_SUPERVISED;
  process.umask(r.umask);
}

export interface Served {
  /** Called once a request is taken: the spare stops listening. */
  onTaken(): void;
}

/**
 * Serves one connection. Declined (not `up`'s quick shapes, a folder that is gone, bad JSON): the
 * spare goes on waiting. Taken: the spare runs it and never waits again.
 */
export async function serveOne(sock: Socket, s: Served & { taken: boolean }): Promise<void> {
  const line = await readRequest(sock);
  if (s.taken) return send(sock, { declined: 'busy' });
  const r = line === null ? 'no request' : parseSpareRequest(line);
  if (typeof r === 'string') return send(sock, { declined: r });
  const o = parseUp(r.args);
  if (!o) return send(sock, { declined: 'not a quick up' });
  try {
    process.chdir(r.cwd);
  } catch {
    return send(sock, { declined: `cannot enter ${r.cwd}` });
  }
  s.onTaken();
  sock.write(`${JSON.stringify({ taken: true } satisfies SpareReply)}\n`);
  const origin = performance.now();
  takeCaller(r);

  const said: { out: string; err: string; attach?: { socket: string; session: string } } = { out: '', err: '' };
  const io: Io = { out: (t) => void (said.out += t), err: (t) => void (said.err += t) };
  let answered!: () => void;
  const sent = new Promise<void>((resolve) => (answered = resolve));
  let controller = false;
  // The controller's own end (a stop, a failed start) waits for the answer to go out.
  const exit = (code: number) => void sent.then(() => (controller ? process.exit(code) : spent(code)));
  const socket = process.env.MIYABI_TMUX_SOCKET;
  const code = await guarded(
    () =>
      up({
        ...o,
        ...(socket ? { socket } : {}),
        io,
        origin,
        tty: r.tty,
        attach: (socket, session) => {
          said.attach = { socket, session };
          return 0;
        },
        controller: (ctx) => {
          const c = inProcessController({ paths: ctx.paths, tmuxSocket: ctx.tmuxSocket, layout: o.layout, io, origin, told: sent, exit });
          c.started.then(() => (controller = true), () => undefined);
          return c;
        },
      }),
    io,
  );
  send(sock, { ...said, code }, answered);
  // No controller here (another answered, the layout was refused): this spare is spent.
  if (!controller) await sent.then(() => spent(0));
}

/** A spare that did not become a controller ends, and the next one starts. */
function spent(code: number): never {
  spawnSpare(process.env);
  process.exit(code);
}
