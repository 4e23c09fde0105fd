/**
 * A port range shared by the agents of one project (e.g. 4100–4199): each agent gets its own port
 * (`MIYABI_PORT` in its environment), kept in `<repo>/.miyabi/state/ports.json` and released when
 * its worktree is removed. A port some other program is listening on is skipped.
 */
import { createServer } from 'node:net';
import { join } from 'node:path';
import { MiyabiError } from '../core/errors.js';
import { readState, updateState } from './state-file.js';
import { stateDir } from './worktrees-registry.js';

export interface PortRange {
  from: number;
  to: number;
}

export const DEFAULT_PORT_RANGE: PortRange = { from: 4100, to: 4199 };

interface PortState {
  version: 1;
  ports: Record<string, number>;
}

const empty = (): PortState => ({ version: 1, ports: {} });
export const portsFile = (repo: string): string => join(stateDir(repo), 'ports.json');

export interface AllocateOptions {
  range?: PortRange;
  /** Skip ports another program listens on (default true). */
  probe?: boolean;
}

/** True when nothing listens on 127.0.0.1:port (we could bind it ourselves). */
export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

function checkRange(r: PortRange): void {
  const ok = (n: number) => Number.isInteger(n) && n >= 1 && n <= 65535;
  if (!ok(r.from) || !ok(r.to) || r.from > r.to) {
    throw new MiyabiError('CONFIG', `port range ${r.from}-${r.to} is not a range of ports`, { hint: 'use two integers 1–65535, low first, e.g. 4100-4199' });
  }
}

/** The port of `name`: the one it already has, or the lowest free one in the range. */
export async function allocatePort(repo: string, name: string, options: AllocateOptions = {}): Promise<number> {
  const range = options.range ?? DEFAULT_PORT_RANGE;
  checkRange(range);
  const probe = options.probe ?? true;
  const busy = new Set<number>(); // found in use by others during this call
  for (;;) {
    const state = readState(portsFile(repo), empty);
    const mine = state.ports[name];
    if (mine !== undefined) return mine;
    const taken = new Set(Object.values(state.ports));
    let candidate: number | null = null;
    for (let p = range.from; p <= range.to && candidate === null; p++) {
      if (taken.has(p) || busy.has(p)) continue;
      if (probe && !(await portFree(p))) busy.add(p);
      else candidate = p;
    }
    if (candidate === null) {
      throw new MiyabiError('CONFIG', `no free port left in ${range.from}-${range.to} for "${name}" (${taken.size} held by agents, ${busy.size} in use by other programs)`, {
        hint: 'widen the port range, or remove worktrees that are no longer needed',
        detail: { kind: 'PORTS_EXHAUSTED' },
      });
    }
    const c = candidate;
    // Probing happened outside the lock; take the port only if nobody did in between.
    const got = await updateState(portsFile(repo), empty, (s) => {
      if (s.ports[name] !== undefined) return s.ports[name];
      if (Object.values(s.ports).includes(c)) return null;
      s.ports[name] = c;
      return c;
    });
    if (got !== null) return got;
  }
}

/** Frees `name`'s port; returns it, or null when it had none. */
export function releasePort(repo: string, name: string): Promise<number | null> {
  return updateState(portsFile(repo), empty, (s) => {
    const p = s.ports[name];
    delete s.ports[name];
    return p ?? null;
  });
}

export function listPorts(repo: string): Record<string, number> {
  return { ...readState(portsFile(repo), empty).ports };
}
