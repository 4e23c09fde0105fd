/**
 * Schema output → the normalized `SessionLayout` everyone else uses: absolute folders, full argv, merged
 * environments and a name for every pane. Runs only on data that passed the schema and the rules,
 * so it cannot fail.
 *
 * Decisions (documented for users in layout-schema.ts):
 * - `root` is relative to the project root; a pane's `cwd` is relative to `root`; `~` expands.
 * - env: captured process env < layout `env` < pane `env`.
 * - Unnamed panes get "conductor", "dashboard", "shell-1", "shell-2", … skipping names already taken.
 * - Default commands: shell and agent panes run `$SHELL` (absolute, from the pane's env) or /bin/sh;
 *   conductor and dashboard run `node <miyabiBin> conductor|dashboard`.
 */
import path from 'node:path';
import { sanitizeName } from '../core/names.js';
import type { LayoutFile, PaneEntry, PaneObject } from './layout-schema.js';
import type { SessionLayout, PaneCommand, PaneLayout, PaneMessages, PaneRole } from './layout-types.js';
import { homeFrom, resolveConfigPath } from './paths.js';
import { normalizeRecovery } from './recovery-schema.js';

export interface NormalizeContext {
  /** Shown as SessionLayout.source: the file, or "<built-in default>". */
  source: string;
  projectRoot: string;
  /** Absolute path of bin/miyabi.js, run by conductor and dashboard panes. */
  miyabiBin: string;
  /** The process environment to start from (captured once, undefined values dropped). */
  env: Record<string, string>;
}

/** process.env without its undefined values. */
export function captureEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}

/** The user's shell: `$SHELL` when it is an absolute path, else /bin/sh. */
export function userShell(env: Record<string, string>): string {
  const sh = env['SHELL'];
  return sh !== undefined && path.isAbsolute(sh) ? sh : '/bin/sh';
}

interface PaneSpec {
  role: PaneRole;
  name?: string;
  command?: string | string[];
  cwd?: string;
  env?: Record<string, string>;
  profile?: string;
  messages?: PaneObject['messages'];
  worktree?: boolean;
  hooks?: boolean;
  count?: number;
  states?: string;
  base?: string;
  branch?: string;
}

function spec(entry: PaneEntry): PaneSpec {
  if (entry === null) return { role: 'shell' };
  if (typeof entry === 'string') return { role: 'shell', command: entry };
  return { ...entry, role: entry.role ?? 'shell' };
}

function commandFor(s: PaneSpec, env: Record<string, string>, miyabiBin: string): PaneCommand {
  if (typeof s.command === 'string') return { kind: 'shell', argv: ['/bin/sh', '-c', s.command] };
  if (Array.isArray(s.command)) return { kind: 'argv', argv: [...s.command] };
  if (s.role === 'conductor' || s.role === 'dashboard') {
    return { kind: 'default', argv: [process.execPath, miyabiBin, s.role] };
  }
  return { kind: 'default', argv: [userShell(env)] };
}

/** Gives every unnamed pane a name that no written name (nor earlier default) already uses. */
function nameAll(specs: PaneSpec[]): string[] {
  const taken = new Set(specs.flatMap((s) => (s.name === undefined ? [] : [s.name])));
  let shellCount = 0;
  return specs.map((s) => {
    if (s.name !== undefined) return s.name;
    let name: string;
    if (s.role === 'conductor' || s.role === 'dashboard') {
      name = s.role;
      for (let n = 2; taken.has(name); n++) name = `${s.role}-${n}`;
    } else {
      // Agents always have names (rule agentsAreNamed); this branch names shell panes.
      do name = `shell-${++shellCount}`;
      while (taken.has(name));
    }
    taken.add(name);
    return name;
  });
}

export function normalizeLayout(file: LayoutFile, ctx: NormalizeContext): SessionLayout {
  const home = homeFrom(ctx.env);
  const projectRoot = path.resolve(ctx.projectRoot);
  const root = file.root === undefined ? projectRoot : resolveConfigPath(projectRoot, file.root, home);
  const layoutEnv = file.env ?? {};
  const env = { ...ctx.env, ...layoutEnv };
  // `count: N` on a named pane: N panes named <name>1 … <name>N (the rules checked the names).
  const specs = file.windows.map((w) =>
    w.panes.map(spec).flatMap((s) => (s.count && s.name ? Array.from({ length: s.count }, (_, i) => ({ ...s, name: `${s.name}${i + 1}` })) : [s])),
  );
  const names = nameAll(specs.flat());
  let k = 0;
  const wt = file.worktrees;
  const argvOf = (c: string | string[] | undefined) => (c === undefined ? undefined : typeof c === 'string' ? ['/bin/sh', '-c', c] : [...c]);
  const worktrees = wt && {
    ...(wt.root ? { root: resolveConfigPath(projectRoot, wt.root, home) } : {}),
    ...(wt.copy ? { copy: wt.copy } : {}),
    ...(wt.setup ? { setup: argvOf(wt.setup)! } : {}),
    ...(wt.teardown ? { teardown: argvOf(wt.teardown)! } : {}),
    ...(wt.ports ? { ports: { from: Number(wt.ports.split('-')[0]), to: Number(wt.ports.split('-')[1]) } } : {}),
    ...(wt.pool !== undefined ? { pool: wt.pool } : {}),
  };
  return {
    ...(worktrees ? { worktrees } : {}),
    ...(file.recovery ? { recovery: normalizeRecovery(file.recovery) } : {}),
    source: ctx.source,
    session: file.session ?? sanitizeName(path.basename(projectRoot)),
    root,
    env,
    windows: file.windows.map((w, wi) => ({
      name: w.name,
      arrangement: w.layout,
      panes: (specs[wi] ?? []).map((s): PaneLayout => {
        const paneEnv = { ...env, ...s.env };
        return {
          name: names[k++] ?? '',
          role: s.role,
          command: commandFor(s, paneEnv, path.resolve(ctx.miyabiBin)),
          cwd: s.cwd === undefined ? root : resolveConfigPath(root, s.cwd, home),
          env: paneEnv,
          envOverrides: { ...layoutEnv, ...s.env },
          ...(s.profile ? { profile: s.profile } : {}),
          ...(s.messages ? { messages: paneMessages(s.messages) } : {}),
          ...(s.hooks ? { hooks: true } : {}),
          ...(s.states ? { states: resolveConfigPath(root, s.states, home) } : {}),
          ...(s.worktree ? { worktree: { ...(s.base ? { base: s.base } : {}), ...(s.branch ? { branch: s.branch } : {}) } } : {}),
        };
      }),
    })),
  };
}

function paneMessages(m: NonNullable<PaneObject['messages']>): PaneMessages {
  const out: PaneMessages = {};
  if (m.header !== undefined) out.header = m.header;
  if (m.delivery !== undefined) out.delivery = m.delivery;
  if (m.batch !== undefined) out.batch = m.batch;
  if (m.submit_key !== undefined) out.submitKey = m.submit_key;
  if (m.submit_delay_ms !== undefined) out.submitDelayMs = m.submit_delay_ms;
  if (m.settle_ms !== undefined) out.settleMs = m.settle_ms;
  if (m.ready_grace_ms !== undefined) out.readyGraceMs = m.ready_grace_ms;
  if (m.read_limit_ms !== undefined) out.readLimitMs = m.read_limit_ms;
  if (m.relay !== undefined) out.relay = m.relay;
  if (m.inbox_cap !== undefined) out.inboxCap = m.inbox_cap;
  return out;
}
