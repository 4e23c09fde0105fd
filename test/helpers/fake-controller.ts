import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { MiyabiError } from '../../src/core/errors.js';
import type { PaneStatus, StatusResult } from '../../src/ipc/protocol.js';
import { Journal } from '../../src/core/journal.js';
import { IpcServer } from '../../src/ipc/server.js';

/**
 * A stand-in for the controller: the real IpcServer on a temporary socket, answering `status`,
 * `ping`, `subscribe` and `down` from a status the test can change, and publishing journal events.
 */
export interface FakeController {
  socketPath: string;
  dir: string;
  status: StatusResult;
  requests: string[];
  setPanes(panes: PaneStatus[]): void;
  /** What `runs.list` answers (default: no runs). */
  runs: unknown[];
  /** What `agents` answers (default: the status's agent panes, idle). */
  agents: unknown[] | null;
  /** Sends a journal event to every subscriber. */
  emit(type: string, payload?: unknown): void;
  subscriberCount(): number;
  /** Stops listening (the controller "goes away"); start() brings it back on the same path. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** stop() and remove the temporary directory. */
  dispose(): Promise<void>;
  /** With `init.journal`: a real journal the server streams (and replays `fromSeq` from), kept across stop/start. */
  journal: Journal | null;
}

export function pane(name: string, role: string, n: number, over: Partial<PaneStatus> = {}): PaneStatus {
  return {
    name,
    role,
    paneId: `%${n}`,
    window: 'main',
    pid: 4000 + n,
    command: role === 'agent' ? `claude --name ${name}` : `miyabi ${role}`,
    currentCommand: role === 'agent' ? 'claude' : 'node',
    cwd: `/work/project/.worktrees/${name}`,
    alive: true,
    deadStatus: null,
    ...over,
  };
}

export function samplePanes(): PaneStatus[] {
  return [
    pane('conductor', 'conductor', 0),
    pane('dashboard', 'dashboard', 1),
    pane('agent-1', 'agent', 2),
    pane('agent-2', 'agent', 3),
  ];
}

export async function startFakeController(
  init: { session?: string; panes?: PaneStatus[]; pid?: number; journal?: boolean } = {},
): Promise<FakeController> {
  const dir = mkdtempSync(join(tmpdir(), 'miyabi-fc-'));
  const socketPath = join(dir, 'ctl.sock');
  const startedAt = Date.now();
  let seq = 0;
  const status: StatusResult = {
    session: init.session ?? 'demo-session',
    tmuxSocket: 'miyabi-test',
    root: '/work/project',
    layout: 'default',
    controller: { pid: init.pid ?? 31337, startedAt: new Date(startedAt).toISOString(), uptimeMs: 0, ipcPath: socketPath },
    panes: init.panes ?? samplePanes(),
  };
  const requests: string[] = [];
  let subscribers = 0;
  let server: IpcServer | null = null;
  const journal = init.journal ? Journal.open(join(dir, 'state'), { fsync: 'group', groupMs: 60_000 }) : null;
  let unstream = (): void => undefined;

  const makeServer = () =>
    new IpcServer({
      status: {
        schema: z.object({}),
        describe: 'status',
        handle: () => {
          requests.push('status');
          return { ...status, controller: { ...status.controller, uptimeMs: Date.now() - startedAt } };
        },
      },
      ping: {
        schema: z.object({}),
        describe: 'ping',
        handle: () => {
          requests.push('ping');
          return { pid: status.controller.pid };
        },
      },
      subscribe: {
        schema: z.object({ fromSeq: z.number().optional() }),
        describe: 'subscribe',
        handle: (p, conn) => {
          requests.push('subscribe');
          subscribers++;
          return { subscribed: true, afterSeq: conn.subscribe((p as { fromSeq?: number }).fromSeq) ?? null };
        },
      },
      'runs.list': {
        schema: z.object({ limit: z.number().optional() }),
        describe: 'runs.list',
        handle: () => {
          requests.push('runs.list');
          return fc.runs;
        },
      },
      agents: {
        schema: z.object({}),
        describe: 'agents',
        handle: () => {
          requests.push('agents');
          return fc.agents ?? status.panes.filter((p) => p.role === 'agent').map((p) => ({
            name: p.name, paneId: p.paneId, pid: p.pid, alive: p.alive, command: p.command, cwd: p.cwd, worktree: null,
            branch: `miyabi/${p.name}`, spawned: false, state: p.alive ? 'idle' : 'dead', signal: 'screen', reason: 'prompt shown',
          }));
        },
      },
      'task.list': { schema: z.object({}), describe: 'task.list', handle: () => [] },
      down: {
        schema: z.object({}),
        describe: 'down',
        handle: () => {
          requests.push('down');
          throw new MiyabiError('CONTROLLER_RUNNING', 'this fake controller refuses to stop', {
            hint: 'it is only a test double',
          });
        },
      },
    });

  const fc: FakeController = {
    socketPath,
    dir,
    status,
    requests,
    setPanes: (panes) => {
      status.panes = panes;
    },
    runs: [],
    agents: null,
    journal,
    emit: (type, payload = {}) => server?.broadcast({ seq: ++seq, ts: Date.now(), type, payload }),
    subscriberCount: () => subscribers,
    start: async () => {
      if (server) return;
      rmSync(socketPath, { force: true });
      server = makeServer();
      if (journal) unstream = server.stream(journal);
      await server.listen(socketPath);
    },
    stop: async () => {
      const s = server;
      server = null;
      unstream();
      subscribers = 0;
      await s?.close();
      rmSync(socketPath, { force: true });
    },
    dispose: async () => {
      await fc.stop();
      journal?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await fc.start();
  return fc;
}
