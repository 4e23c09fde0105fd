/**
 * A spare controller (issue #17): a controller process started and loaded ahead of the `up` that
 * will use it, waiting on this user's spare socket (core/spare-paths.ts). Its first `up` request
 * makes it that project's controller (serve.ts); nothing else reaches it. It ends when another
 * spare already waits, when it has waited MIYABI_SPARE_IDLE_MS (30 minutes) unused, or when its
 * socket is taken from it. Started by spawn.ts; its output goes to the spare log.
 */
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { ensurePrivateDir } from '../core/private-dir.js';
import { spareSpot } from '../core/spare-paths.js';
import { listenIpc, probeSocket } from '../controller/ipc-listen.js';
import { isMiyabiError } from '../core/errors.js';
import { serveOne } from './serve.js';
import { warmUp } from './warm.js';

// Its folder is its argument (spawn.ts); the rest of the spot comes from the build.
const found = spareSpot(process.argv[2] ? { ...process.env, MIYABI_SPARE_DIR: process.argv[2] } : process.env);
if (!found) process.exit(0);
const spot = found;
const say = (line: string) => process.stderr.write(`${new Date().toISOString()} spare ${process.pid}: ${line}\n`);

ensurePrivateDir(spot.dir);
if (await probeSocket(spot.socket)) process.exit(0); // one waits already: spare the warm-up
warmUp(spot.dir);

const state = { taken: false, onTaken: () => stopWaiting() };
const server = createServer((sock) => void serveOne(sock, state).catch((e: unknown) => say(`request failed: ${String(e)}`)));
const listener = {
  listen: (path: string) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, resolve);
    }),
};
// Bound as the controller binds its own (0600, a dead spare's socket removed); one that answers
// means another spare started meanwhile (two controllers that answered their `up` at once).
const bound = await listenIpc(listener, spot.socket).catch((e: unknown) => {
  if (!(isMiyabiError(e) && e.code === 'CONTROLLER_RUNNING')) say(`cannot listen on ${spot.socket}: ${String(e)}`);
  return process.exit(0);
});
writeFileSync(spot.pid, String(process.pid), { mode: 0o600 });

const idleMs = Number(process.env.MIYABI_SPARE_IDLE_MS) || 30 * 60_000;
const idle = setTimeout(() => {
  stopWaiting();
  process.exit(0);
}, idleMs);

/** Unlinks the socket and pid file only while they are still ours (a newer spare may have replaced them). */
function stopWaiting(): void {
  state.taken = true;
  clearTimeout(idle);
  server.close();
  bound.unlinkIfOurs();
  try {
    if (Number(readFileSync(spot.pid, 'utf8')) === process.pid) unlinkSync(spot.pid);
  } catch {
    // gone already
  }
}
