/**
 * A spare controller (issue #17): a controller process started and loaded ahead of the `up` that
 * will use it, waiting on this user's spare socket (core/spare-paths.ts). Its first `up` request
 * makes it that project's controller (serve.ts); nothing else reaches it. It ends when another
 * spare already waits, when it has waited MIYABI_SPARE_IDLE_MS (30 minutes) unused, or when its
 * socket is taken from it. Started by spawn.ts; its output goes to the spare log.
 */
import { lstatSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { ensurePrivateDir } from '../core/private-dir.js';
import { spareSpot } from '../core/spare-paths.js';
import { probeSocket } from '../controller/ipc-listen.js';
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
// Asked again: another may have started meanwhile (two controllers that answered their `up` at once).
if (await probeSocket(spot.socket)) process.exit(0);
try {
  if (lstatSync(spot.socket).isSocket()) unlinkSync(spot.socket); // a dead spare's
} catch {
  // none
}
const state = { taken: false, onTaken: () => stopWaiting() };
const server = createServer((sock) => void serveOne(sock, state).catch((e: unknown) => say(`request failed: ${String(e)}`)));
const old = process.umask(0o177);
await new Promise<void>((resolve, reject) => {
  server.once('error', reject);
  server.listen(spot.socket, resolve);
}).catch((e: unknown) => {
  say(`cannot listen on ${spot.socket}: ${String(e)}`);
  process.exit(0);
});
process.umask(old);
const { ino, dev } = lstatSync(spot.socket);
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
  try {
    const st = lstatSync(spot.socket);
    if (st.ino === ino && st.dev === dev) unlinkSync(spot.socket);
  } catch {
    // gone already
  }
  try {
    if (Number(readFileSync(spot.pid, 'utf8')) === process.pid) unlinkSync(spot.pid);
  } catch {
    // gone already
  }
}
