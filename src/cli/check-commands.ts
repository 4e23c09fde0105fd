import { loadLayout } from '../config/load-layout.js';
import { MiyabiError } from '../core/errors.js';
import { formatIssue } from '../config/config-issue.js';
import { onPath, programOf } from './find-program.js';

const INSTALL: Record<string, string> = {
  claude: 'npm install -g @anthropic-ai/claude-code',
  codex: 'npm install -g @openai/codex',
  aider: 'python -m pip install aider-install && aider-install',
  gemini: 'npm install -g @google/gemini-cli',
};

/**
 * Before `up` starts anything: every agent and shell pane's program must exist, or `up` says which
 * and how to get it (instead of printing "started" with the agents dead(127)). Layout errors are
 * left to the controller, which reports them with file:line:col.
 */
export function checkLayoutCommands(root: string, layout: string | undefined): void {
  const loaded = loadLayout({ ref: layout, projectRoot: root, miyabiBin: 'miyabi', env: process.env });
  if (!loaded.ok) return;
  // What a tmuxinator/tmuxp file holds that miyabi does not map, at its file:line (and any other warning).
  for (const w of loaded.warnings) process.stderr.write(`${formatIssue(w)}\n`);
  const missing: string[] = [];
  for (const w of loaded.value.windows) {
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
