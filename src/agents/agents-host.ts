import { existsSync } from 'node:fs';
import type { PaneLayout } from '../config/layout-types.js';
import { MiyabiError } from '../core/errors.js';
import type { EventSink } from '../core/events/index.js';
import { nameProblem, NAME_PATTERN_TEXT } from '../core/names.js';
import { isGitRoot, type ProjectPaths } from '../core/paths.js';
import type { AgentWorktree, WorktreePort } from '../git/port.js';
import type { PaneInfo, TmuxPort } from '../tmux/port.js';
import { paneCommandText, paneEnv, type SpecContext } from './session-spec.js';

/** The bus's recipients (the controller's Messaging fits): a spawned agent gets an inbox. */
export interface Inboxes {
  addRecipient(pane: PaneLayout, info: PaneInfo): void;
  /** `why` is what `send` and `inbox` say of the agent from now on (killed by whom, when). */
  removeRecipient(name: string, why: string): void;
}

export interface SpawnRequest {
  name: string;
  command?: string;
  worktree?: boolean;
  base?: string;
  /** Take the worktree miyabi already has for this name (one `worktree restore` brought back). */
  reuse?: boolean;
}

/** An agent spawned after `up`, kept in the snapshot so a new controller knows it again. */
export interface SpawnedAgent {
  pane: PaneLayout;
  worktree: string | null;
  branch: string | null;
}

export interface AgentRow {
  name: string;
  paneId: string;
  pid: number;
  alive: boolean;
  command: string;
  cwd: string;
  worktree: string | null;
  branch: string | null;
  spawned: boolean;
}

interface Deps {
  paths: ProjectPaths;
  session: string;
  window: string;
  tmux: Pick<TmuxPort, 'addPane' | 'killPane' | 'listPanes'>;
  messaging: () => Inboxes | undefined;
  journal: EventSink;
  spec: SpecContext;
  /** Worktrees, made with the layout's `worktrees:` settings (root, hooks, ports). */
  worktrees: WorktreePort;
  /** Called whenever the set of spawned agents changes (the controller snapshots it). */
  changed: () => void;
  /** Pane name → its command as the user wrote it (the pane itself runs a launch script). */
  commands?: Record<string, string>;
}

/** `miyabi spawn`, `kill` and `agents`: agents that join and leave a running session. */
export class AgentsHost {
  readonly spawned = new Map<string, SpawnedAgent>();

  constructor(private readonly d: Deps) {}

  restore(list: SpawnedAgent[], panes: PaneInfo[]): void {
    for (const a of list) {
      const pane = panes.find((p) => p.agent === a.pane.name);
      if (!pane) continue;
      this.spawned.set(a.pane.name, a);
      this.d.messaging()?.addRecipient(a.pane, pane);
    }
  }

  async spawn(req: SpawnRequest): Promise<AgentRow> {
    const why = nameProblem(req.name);
    if (why) throw new MiyabiError('NAME', `agent name ${JSON.stringify(req.name)} ${why}`, { hint: `names are ${NAME_PATTERN_TEXT}` });
    const panes = await this.d.tmux.listPanes(this.d.session);
    if (panes.some((p) => p.agent === req.name)) throw new MiyabiError('USAGE', `there is already a pane named ${req.name}`, { hint: 'miyabi agents lists them' });
    const useWorktree = req.worktree ?? isGitRoot(this.d.paths.root);
    let cwd = this.d.paths.root;
    let extraEnv: Record<string, string> = {};
    let worktree: string | null = null;
    let branch: string | null = null;
    if (req.reuse && !useWorktree) throw new MiyabiError('USAGE', '--reuse takes an existing worktree; it cannot go with --no-worktree');
    if (useWorktree) {
      const w = (req.reuse ? await reusable(this.d.worktrees, req.name) : null) ??
        (await this.d.worktrees.acquire({ name: req.name, ...(req.base ? { base: req.base } : {}) }));
      cwd = w.path;
      extraEnv = w.env;
      worktree = w.path;
      branch = w.branch;
    }
    const shell = this.d.spec.baseEnv.SHELL?.startsWith('/') ? this.d.spec.baseEnv.SHELL : '/bin/sh';
    const pane: PaneLayout = {
      name: req.name,
      role: 'agent',
      command: req.command ? { kind: 'shell', argv: ['/bin/sh', '-c', req.command] } : { kind: 'default', argv: [shell] },
      cwd,
      env: extraEnv,
    };
    const layout = { source: 'spawn', session: this.d.session, root: this.d.paths.root, env: {}, windows: [] };
    const info = await this.d.tmux.addPane(
      this.d.session,
      this.d.window,
      { name: pane.name, role: 'agent', argv: pane.command.argv, cwd, env: paneEnv(layout, pane, this.d.spec) },
      this.d.paths.launch,
    );
    const agent: SpawnedAgent = { pane, worktree, branch };
    this.spawned.set(req.name, agent);
    this.d.messaging()?.addRecipient(pane, info);
    this.d.journal.append('agent.spawned', { name: req.name, paneId: info.paneId, worktree, branch, command: paneCommandText(pane) });
    this.d.changed();
    return row(info, agent);
  }

  async kill(name: string, o: { clean?: boolean; force?: boolean }): Promise<{ killed: boolean; worktreeRemoved: boolean; archive: string | null }> {
    const pane = (await this.d.tmux.listPanes(this.d.session)).find((p) => p.agent === name && p.role === 'agent');
    if (!pane && !this.spawned.has(name)) throw new MiyabiError('NOT_FOUND', `no agent named ${name}`, { hint: 'miyabi agents lists them' });
    // The worktree check comes first: a refusal must leave the agent as it was.
    let archive: string | null = null;
    if (o.clean && this.spawned.get(name)?.worktree) {
      archive = (await this.d.worktrees.remove(name, o.force ? { force: true } : {})).archive;
    }
    if (pane) await this.d.tmux.killPane(pane.paneId);
    this.d.messaging()?.removeRecipient(name, `by miyabi kill at ${new Date().toISOString().slice(0, 19)}Z`);
    this.spawned.delete(name);
    this.d.journal.append('agent.killed', { name, paneId: pane?.paneId ?? null, worktreeArchive: archive });
    this.d.changed();
    return { killed: pane !== undefined, worktreeRemoved: archive !== null, archive };
  }

  async list(): Promise<AgentRow[]> {
    const panes = (await this.d.tmux.listPanes(this.d.session)).filter((p) => p.role === 'agent');
    const owned = isGitRoot(this.d.paths.root) ? await this.d.worktrees.owned().catch(() => []) : [];
    return panes.map((p) => {
      const a = this.spawned.get(p.agent);
      const w = owned.find((o) => o.name === p.agent);
      const command = this.d.commands?.[p.agent];
      return row(p, a ?? { pane: null, worktree: w?.path ?? null, branch: w?.branch ?? null }, command);
    });
  }
}

/** The worktree miyabi keeps for `name`, with its variables; null when it has none. */
async function reusable(worktrees: WorktreePort, name: string): Promise<AgentWorktree | null> {
  const have = (await worktrees.owned()).find((w) => w.name === name);
  if (!have) return null;
  if (!existsSync(have.path)) {
    throw new MiyabiError('NOT_FOUND', `the worktree of ${name} at ${have.path} is gone`, { hint: 'miyabi worktree prune forgets it; then spawn makes a new one' });
  }
  return have;
}

function row(p: PaneInfo, a: { pane: PaneLayout | null; worktree: string | null; branch: string | null }, written?: string): AgentRow {
  return {
    name: p.agent,
    paneId: p.paneId,
    pid: p.pid,
    alive: !p.dead,
    command: a.pane ? paneCommandText(a.pane) : (written ?? p.startCommand),
    cwd: p.currentPath,
    worktree: a.worktree,
    branch: a.branch,
    spawned: a.pane !== null,
  };
}
