import type { SessionLayout } from '../config/layout-types.js';
import { MiyabiError } from '../core/errors.js';
import { onPath, programOf } from '../core/find-program.js';

const INSTALL: Record<string, string> = {
  claude: 'npm install -g @anthropic-ai/claude-code',
  codex: 'npm install -g @openai/codex',
  aider: 'python -m pip install aider-install && aider-install',
  gemini: 'npm install -g @google/gemini-cli',
};

/**
 * Before anything is created: every agent and shell pane's program must exist, or `up` says which
 * and how to get it (instead of printing "started" with the agents dead(127)). Part of
 * checkBeforeBuild (prepare.ts), run by whoever builds the session.
 */
export function checkLayoutCommands(layout: SessionLayout): void {
  const missing: string[] = [];
  for (const w of layout.windows) {
    for (const p of w.panes) {
      if (p.role !== 'agent' && p.role !== 'shell') continue;
      const program = programOf(p.command.kind, p.command.argv);
      if (program && !onPath(program, p.env)) missing.push(`${p.name}: ${program}`);
    }
  }
  if (missing.length === 0) return;
  const names = [...new Set(missing.map((m) => m.split(': ')[1]))];
  const how = names.map((n) => (n && INSTALL[n] ? `${n}: ${INSTALL[n]}` : `install ${n}`));
  throw new MiyabiError('USAGE', `not found on PATH: ${missing.join(', ')}`, {
    hint: `${how.join('; ')}; or change the layout's command (miyabi layouts lists the layouts)`,
  });
}
