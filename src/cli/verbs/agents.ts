import { table } from '../table.js';
import { busDirOf, liveRecipients, recipients, stoppedReason } from '../../bus/layout.js';
import { MiyabiError } from '../../core/errors.js';
import type { AgentRow } from '../../ipc/messages/agents.js';
import { cliContext, tryConnect, type GlobalOptions } from '../context.js';
import { askChecked } from '../ask-controller.js';

async function controller(o: GlobalOptions) {
  const { paths } = cliContext(o);
  const c = await tryConnect(paths);
  if (!c) throw new MiyabiError('CONTROLLER_DOWN', `no controller is running for ${paths.root}`, { hint: 'start one with `miyabi up`' });
  return c;
}

const cells = (a: AgentRow & { state?: string }) => [
  a.name, a.paneId, String(a.pid), a.alive ? (a.state && a.state !== 'unknown' ? a.state : 'alive') : 'dead', a.branch ?? '-', a.command,
];

export async function spawnVerb(o: GlobalOptions & { name: string; command?: string; worktree?: boolean; base?: string; reuse?: boolean }): Promise<number> {
  const c = await controller(o);
  try {
    const a = await c.request('spawn', { name: o.name, ...(o.command ? { command: o.command } : {}), ...(o.worktree !== undefined ? { worktree: o.worktree } : {}), ...(o.base ? { base: o.base } : {}), ...(o.reuse ? { reuse: true } : {}) }, 60_000);
    process.stdout.write(`spawned ${a.name} in ${a.paneId}${a.worktree ? ` (worktree ${a.worktree}, branch ${a.branch})` : ''}\n`);
    return 0;
  } finally {
    c.close();
  }
}

export async function killVerb(o: GlobalOptions & { name: string; clean?: boolean; force?: boolean }): Promise<number> {
  const c = await controller(o);
  try {
    const r = await c.request('kill', { name: o.name, clean: o.clean === true, force: o.force === true }, 60_000);
    process.stdout.write(`${r.killed ? 'killed' : 'removed'} ${o.name}${r.archive ? `; its worktree is kept as ${r.archive} (miyabi worktree restore ${o.name})` : ''}\n`);
    return 0;
  } finally {
    c.close();
  }
}

const isRows = (v: unknown): v is AgentRow[] =>
  Array.isArray(v) && v.every((r) => typeof r === 'object' && r !== null && typeof (r as AgentRow).name === 'string');

/** `miyabi agents` (and `ls`): the panes from the controller, then the stopped agents from the bus. */
export async function agentsVerb(o: GlobalOptions & { json?: boolean }): Promise<number> {
  const { paths } = cliContext(o);
  const busDir = busDirOf(paths);
  const stopped = recipients(busDir).flatMap((n) => {
    const why = stoppedReason(busDir, n);
    return why === null ? [] : [`${n.padEnd(16)} stopped ${why}`];
  });
  const c = o.json ? await controller(o) : await tryConnect(paths);
  if (!c) {
    // send works with the controller down, so its hint (`miyabi ls`) must too: the bus knows the names.
    const names = liveRecipients(busDir);
    process.stdout.write(`(controller not running) agents with an inbox: ${names.join(', ') || 'none'}\n${stopped.map((l) => `${l}\n`).join('')}`);
    return 0;
  }
  try {
    // A peer that hangs up or answers another shape is named, never printed as agents.
    const rows = await askChecked(c, paths.socket, 'agents', isRows, "a controller's list of agents");
    // A header row and aligned columns; STATE is what the controller knows (idle, busy, waiting…).
    const body = rows.length ? table(['NAME', 'PANE', 'PID', 'STATE', 'BRANCH', 'COMMAND'], rows.map(cells)) : 'no agents';
    const text = [body, ...stopped].join('\n');
    process.stdout.write(o.json ? `${JSON.stringify(rows, null, 2)}\n` : `${text}\n`);
    return 0;
  } finally {
    c.close();
  }
}
