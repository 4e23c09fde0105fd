import { MiyabiError } from '../../core/errors.js';
import type { HealthRow } from '../../ipc/messages/health.js';
import { cliContext, tryConnect, type GlobalOptions } from '../context.js';

async function controller(o: GlobalOptions) {
  const { paths } = cliContext(o);
  const c = await tryConnect(paths);
  if (!c) throw new MiyabiError('CONTROLLER_DOWN', `no controller is running for ${paths.root}`, { hint: 'start one with `miyabi up`' });
  return c;
}

/** `miyabi restart <name>`: L1 by hand for any pane (agent, conductor, dashboard, shell). */
export async function restartVerb(o: GlobalOptions & { name: string }): Promise<number> {
  const c = await controller(o);
  try {
    const r = await c.request('restart', { name: o.name }, 60_000);
    process.stdout.write(`restarted ${r.name} in ${r.paneId} (pid ${r.pid}, ${Math.round(r.durationMs)} ms)\n`);
    return 0;
  } finally {
    c.close();
  }
}

/** `miyabi recover <name> [--level N]`: one step of the ladder by hand. */
export async function recoverVerb(o: GlobalOptions & { name: string; level?: string }): Promise<number> {
  const level = o.level === undefined ? undefined : Number(o.level);
  if (level !== undefined && !(Number.isInteger(level) && level >= 1 && level <= 4)) {
    throw new MiyabiError('USAGE', `--level takes 1 (pane), 2 (session), 3 (full) or 4 (infrastructure), not ${JSON.stringify(o.level)}`);
  }
  const c = await controller(o);
  try {
    const r = await c.request('recover', { name: o.name, ...(level ? { level } : {}) }, 300_000);
    process.stdout.write(`${o.name}: L${r.level} ${r.outcome} (${Math.round(r.durationMs)} ms)\n`);
    return r.outcome === 'gave-up' ? 1 : 0;
  } finally {
    c.close();
  }
}

const ago = (iso: string | null) => (iso ? `${Math.round((Date.now() - Date.parse(iso)) / 1000)}s ago` : '-');

function line(a: HealthRow): string {
  const restarts = Object.entries(a.restarts).map(([l, n]) => `L${l}:${n}`).join(' ');
  const state = a.failed ? 'FAILED' : (a.state ?? (a.alive ? 'alive' : 'dead'));
  return `${a.name.padEnd(14)} ${state.padEnd(18)} hb ${ago(a.lastHeartbeatAt).padEnd(9)} out ${ago(a.lastOutputAt).padEnd(9)} ${restarts}  next: ${a.never ? 'never restarted (report only)' : a.next}${a.failed ? `\n${' '.repeat(15)}gave up: ${a.failed}` : ''}`;
}

/** `miyabi health [--json]`: each pane's heartbeat, state, restarts per level and next escalation. */
export async function healthVerb(o: GlobalOptions & { json?: boolean }): Promise<number> {
  const c = await controller(o);
  try {
    const r = await c.request('health', {});
    if (o.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    else process.stdout.write(`${r.supervised ? 'controller supervised (restarted if it dies)' : 'controller NOT supervised: L3 is not available (MIYABI_SUPERVISE=0)'}\n${r.agents.map(line).join('\n')}\n`);
    return r.agents.some((a) => a.failed) ? 1 : 0;
  } finally {
    c.close();
  }
}
