import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Layout, PaneLayout } from '../config/layout-types.js';
import { MiyabiError } from '../core/errors.js';

const sh = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/**
 * Claude Code reports its own turns through hooks, which no screen change can break: for each
 * agent with `hooks: true`, a settings file (kept in .miyabi, not in the agent's worktree) whose
 * UserPromptSubmit, Stop and Notification hooks run `miyabi hook <event>`, given to claude with
 * `--settings`.
 */
export function withAgentHooks(layout: Layout, hooksDir: string, miyabi: { node: string; bin: string }): Layout {
  const place = (p: PaneLayout): PaneLayout => {
    if (!p.hooks) return p;
    const argv = p.command.argv;
    const prog = p.command.kind === 'shell' ? (argv[2] ?? '').trim().split(/\s+/)[0] : argv[0];
    if (!prog?.endsWith('claude')) {
      throw new MiyabiError('CONFIG', `agent ${p.name}: hooks are installed for Claude Code only, and it runs ${JSON.stringify(prog ?? '')}`, {
        hint: 'drop `hooks: true` for this agent (its state still comes from its screen and output)',
      });
    }
    mkdirSync(hooksDir, { recursive: true, mode: 0o700 });
    const file = join(hooksDir, `${p.name}.json`);
    const run = (event: string) => [{ hooks: [{ type: 'command', command: `${sh(miyabi.node)} ${sh(miyabi.bin)} hook ${event}` }] }];
    writeFileSync(file, JSON.stringify({ hooks: { UserPromptSubmit: run('prompt-submit'), Stop: run('stop'), Notification: run('notification') } }, null, 2), { mode: 0o600 });
    const command =
      p.command.kind === 'shell'
        ? { ...p.command, argv: [argv[0]!, argv[1]!, `${argv[2]} --settings ${sh(file)}`] }
        : { ...p.command, argv: [...argv, '--settings', file] };
    return { ...p, command };
  };
  return { ...layout, windows: layout.windows.map((w) => ({ ...w, panes: w.panes.map(place) })) };
}
