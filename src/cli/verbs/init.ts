import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MiyabiError } from '../../core/errors.js';
import { findProjectRoot } from '../../core/paths.js';
import { onPath } from '../../core/find-program.js';

/** The agent CLIs `init` looks for, in this order, with how each is started. */
export const AGENT_CLIS = [
  { program: 'claude', note: 'Claude Code' },
  { program: 'codex', note: 'OpenAI Codex CLI' },
  { program: 'aider', note: 'aider' },
  { program: 'gemini', note: 'Gemini CLI' },
] as const;

/** The commented layout `init` writes: one agent per CLI found, or two shell agents when none is. */
export function initLayout(found: readonly string[]): string {
  const agents = found.length
    ? found.map((p) => `      - role: agent\n        name: ${p}-1\n        command: ${p}\n`).join('')
    : '      - role: agent\n        name: agent-1\n      - role: agent\n        name: agent-2\n';
  const seen = found.length
    ? `# Found on your PATH: ${found.join(', ')}. One agent each; copy a block to run more.`
    : '# No agent CLI (claude, codex, aider, gemini) was found on your PATH: the agents run your shell.\n' +
      '# Install one and put its name in `command:` (e.g. `command: claude`).';
  return `# This project's miyabi layout, written by \`miyabi init\`. \`miyabi up\` uses it (it shadows the
# built-in default); \`miyabi up --layout NAME\` picks layouts/NAME.yaml instead (\`miyabi layouts\`).
${seen}
#
#   role:    conductor (the REPL), dashboard (the live view), agent, shell
#   name:    an agent's name: what you send to (\`miyabi send NAME …\`, \`@NAME …\` in the conductor)
#   command: a string runs through /bin/sh -c; a list runs as-is; none runs your shell
#   count:   on an agent, N copies named NAME1 … NAMEN
#   layout:  tmux's: tiled, main-vertical, even-horizontal, …
#   root, cwd, env: where panes start and their environment (see README)
windows:
  - name: control
    layout: even-horizontal
    panes:
      - role: conductor
      - role: dashboard
  - name: agents
    layout: tiled
    panes:
${agents}`;
}

/** `miyabi init`: writes layouts/default.yaml for this project from what is installed. */
export async function init(o: { force?: boolean }): Promise<number> {
  const root = findProjectRoot();
  const dir = join(root, 'layouts');
  const file = join(dir, 'default.yaml');
  if (existsSync(file) && !o.force) {
    throw new MiyabiError('USAGE', `${file} exists already`, { hint: 'edit it, or run `miyabi init --force` to write it again' });
  }
  const found = AGENT_CLIS.filter((c) => onPath(c.program)).map((c) => c.program);
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, initLayout(found));
  process.stdout.write(
    `wrote ${file}\n` +
      (found.length ? `agents: ${found.map((p) => `${p}-1 (${p})`).join(', ')}\n` : 'no agent CLI found on PATH (claude, codex, aider, gemini): two shell agents\n') +
      'next: miyabi up\n',
  );
  return 0;
}
