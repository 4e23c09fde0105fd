import { mkdirSync } from 'node:fs';
import { writeFileNoFollow } from '../core/no-follow.js';
import { join } from 'node:path';
import type { SessionLayout, PaneLayout } from '../config/layout-types.js';
import { loadProfileFile } from './states/index.js';
import { MiyabiError } from '../core/errors.js';
import { shJoin, shQuote as sh } from '../core/sh-quote.js';
import type { WorktreePort } from '../git/port.js';
import { withWorktrees } from './layout-worktrees.js';


/**
 * Agent CLIs report their own turns through hooks, which no screen change can break. For each
 * agent with `hooks: true`: Claude Code gets a settings file (kept in .miyabi, not in the agent's
 * worktree) whose UserPromptSubmit, Stop and Notification hooks run `miyabi hook <event>`, given
 * with `--settings`; Codex gets `-c notify=[… hook stop]`, run when a turn ends, and a
 * UserPromptSubmit hook given on the command line (codexHookFlags).
 */
export function withAgentHooks(layout: SessionLayout, hooksDir: string, miyabi: { node: string; bin: string }): SessionLayout {
  const place = (p: PaneLayout): PaneLayout => {
    if (!p.hooks) return p;
    const argv = p.command.argv;
    const prog = p.command.kind === 'shell' ? (argv[2] ?? '').trim().split(/\s+/)[0] : argv[0];
    if (prog?.endsWith('codex')) {
      const flags = codexHookFlags(miyabi);
      const command =
        p.command.kind === 'shell'
          ? { ...p.command, argv: [argv[0]!, argv[1]!, `${argv[2]} ${shJoin(flags)}`] }
          : { ...p.command, argv: [...argv, ...flags] };
      return { ...p, command };
    }
    if (!prog?.endsWith('claude')) {
      throw new MiyabiError('CONFIG', `agent ${p.name}: hooks are installed for Claude Code and Codex only, and it runs ${JSON.stringify(prog ?? '')}`, {
        hint: 'drop `hooks: true` for this agent (its state still comes from its screen and output)',
      });
    }
    mkdirSync(hooksDir, { recursive: true, mode: 0o700 });
    const file = join(hooksDir, `${p.name}.json`);
    const run = (event: string) => [{ hooks: [{ type: 'command', command: `${sh(miyabi.node)} ${sh(miyabi.bin)} hook ${event}` }] }];
    writeFileNoFollow(file, JSON.stringify({ hooks: { UserPromptSubmit: run('prompt-submit'), Stop: run('stop'), Notification: run('notification') } }, null, 2));
    const command =
      p.command.kind === 'shell'
        ? { ...p.command, argv: [argv[0]!, argv[1]!, `${argv[2]} --settings ${sh(file)}`] }
        : { ...p.command, argv: [...argv, '--settings', file] };
    return { ...p, command };
  };
  return { ...layout, windows: layout.windows.map((w) => ({ ...w, panes: w.panes.map(place) })) };
}

/** A layout's own state profile files are read before anything is built: a bad one stops `up`. */
export function checkStateProfiles(layout: SessionLayout): void {
  for (const p of layout.windows.flatMap((w) => w.panes)) {
    if (!p.states) continue;
    try {
      loadProfileFile(p.states);
    } catch (e) {
      throw new MiyabiError('CONFIG', `agent ${p.name}: its state profile ${(e as Error).message}`, {
        hint: 'see src/agents/profiles/*.json for the shape (patterns ready, busy, waiting, rateLimited; timings)',
      });
    }
  }
}

/** A layout's agents as a new session starts them: each in its worktree (when asked), with its CLI's hooks. */
export async function placeAgents(layout: SessionLayout, o: { root: string; worktrees: WorktreePort; hooksDir: string; node: string; bin: string }): Promise<SessionLayout> {
  return withAgentHooks(await withWorktrees(layout, o.root, o.worktrees), o.hooksDir, { node: o.node, bin: o.bin });
}

/**
 * Codex's flags for miyabi's hooks. `notify` runs when a turn ends (with a JSON argument miyabi
 * ignores). The UserPromptSubmit hook gets the submitted prompt on stdin, the proof delivery
 * waits for (delivery/prompts.ts); given with `-c` it needs no file in the agent's HOME, and
 * `--dangerously-bypass-hook-trust` because Codex otherwise holds input behind a screen asking a
 * person to review the hook (the hook is miyabi's own command, nothing the agent wrote).
 */
export function codexHookFlags(miyabi: { node: string; bin: string }): string[] {
  const notify = `notify=${JSON.stringify([miyabi.node, miyabi.bin, 'hook', 'stop'])}`;
  // A TOML inline table: JSON's string escapes are TOML's basic-string escapes.
  const command = JSON.stringify(`${sh(miyabi.node)} ${sh(miyabi.bin)} hook prompt-submit`);
  const prompt = `hooks.UserPromptSubmit=[{hooks=[{type="command",command=${command}}]}]`;
  return ['-c', notify, '--dangerously-bypass-hook-trust', '-c', prompt];
}
