/**
 * What happens to a layout before its session is built, by whoever builds it: `miyabi up` (its own
 * process builds the session, issue #17) or a controller building it again (after a reboot, or
 * under its supervisor). The checks run before anything is created; the preparation only when a
 * session is built, never when a live one is adopted.
 */
import { join, resolve } from 'node:path';
import { checkStateProfiles, placeAgents } from '../agents/agent-hooks.js';
import { busDirOf, ensureInbox } from '../bus/layout.js';
import { unwrapConfig } from '../config/config-issue.js';
import type { SessionLayout } from '../config/layout-types.js';
import { loadFeedback } from '../config/load-feedback.js';
import type { ProjectPaths } from '../core/paths.js';
import { readSnapshot } from '../core/snapshot.js';
import { DEFAULT_PRICES, loadPrices } from '../feedback/prices.js';
import { placedOf, withConversations, type Launched, type Placed, type RecoverySnapshot } from '../recovery/specs.js';
import { checkLayoutCommands } from './check-commands.js';
import { layoutWorktrees } from './worktrees.js';

/**
 * What a new session was built with, beyond the layout: the recovery part starts each pane the
 * same way again from it, and journals the conversations given.
 */
export interface Built {
  /** What placing changed of each pane (worktree folder, its env, hook arguments). */
  placed: Record<string, Placed>;
  /** Agent name → the conversation it was started in. */
  conversations: Record<string, string>;
  launched: Launched[];
}

/**
 * Everything that can refuse a layout, before anything is created: its programs are installed,
 * its state profile files read, and the project's feedback.yaml and price table load.
 */
export function checkBeforeBuild(layout: SessionLayout, root: string): void {
  checkLayoutCommands(layout);
  checkStateProfiles(layout);
  const cfg = unwrapConfig(loadFeedback(root, root), 'fix feedback.yaml, then run `miyabi up` again');
  loadPrices(cfg.prices === undefined ? DEFAULT_PRICES : resolve(root, cfg.prices));
}

/** A message takes a pane that runs an agent or a shell (not the conductor, not the dashboard). */
export function takesMessages(p: { role: string }): boolean {
  return p.role === 'agent' || p.role === 'shell';
}

/**
 * The layout as its panes start: every inbox made (a sender run right after `up` must find it),
 * each agent in its worktree with its CLI's hooks, and each AI agent in its conversation: its old
 * one when the session is built again without a `down` before (a crash, a killed tmux server, a
 * reboot), else a new one.
 */
export async function prepareSession(layout: SessionLayout, o: { paths: ProjectPaths; miyabiBin: string }): Promise<{ layout: SessionLayout; built: Built }> {
  for (const w of layout.windows) for (const p of w.panes) if (takesMessages(p)) ensureInbox(busDirOf(o.paths), p.name);
  const placed = await placeAgents(layout, {
    root: o.paths.root, worktrees: layoutWorktrees(o.paths.root, layout.worktrees), hooksDir: join(o.paths.run, 'hooks'), node: process.execPath, bin: o.miyabiBin,
  });
  const snap = (readSnapshot(o.paths.dir) as { recovery?: RecoverySnapshot } | null)?.recovery;
  const state: RecoverySnapshot = { placed: {}, conversations: { ...(snap?.conversations ?? {}) } };
  const launched: Launched[] = [];
  const out = withConversations(placed, state, { resume: snap !== undefined && snap.down !== true, launched });
  return { layout: out, built: { placed: placedOf(layout, placed), conversations: state.conversations, launched } };
}
