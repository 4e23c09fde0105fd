import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OFFLINE_ENV } from './claude-pane.js';
import { ensureClaude } from './install.js';
import type { ModelServer } from './model-server.js';
import type { TestProject } from '../project.js';

/**
 * A miyabi layout of real Claude Code agents for `p`, against `server`: a throwaway HOME whose
 * `.claude.json` has onboarding done, the key approved and the project folder trusted. Each pane
 * is [name, cwd, extra YAML lines]; a cwd outside the project is not trusted (Claude asks first). Returns the
 * layout file's name.
 */
export async function claudeLayout(p: TestProject, server: ModelServer, session: string, panes: [string, string, string?][]): Promise<string> {
  const claude = await ensureClaude();
  const home = join(p.root, '.home');
  mkdirSync(home, { recursive: true });
  const key = `sk-ant-test-${'k'.repeat(32)}`;
  writeFileSync(
    join(home, '.claude.json'),
    JSON.stringify({
      hasCompletedOnboarding: true,
      theme: 'dark',
      customApiKeyResponses: { approved: [key.slice(-20)], rejected: [] },
      projects: { [p.root]: { hasTrustDialogAccepted: true } },
    }),
  );
  const env = { HOME: home, ANTHROPIC_API_KEY: key, ANTHROPIC_BASE_URL: server.url, ...OFFLINE_ENV };
  const envYaml = Object.entries(env).map(([k, v]) => `          ${k}: ${JSON.stringify(v)}\n`).join('');
  const yaml = panes
    .map(([name, cwd, extra = '']) => `      - role: agent\n        name: ${name}\n        command: [${JSON.stringify(claude)}]\n        cwd: ${JSON.stringify(cwd)}\n${extra}        env:\n${envYaml}`)
    .join('');
  p.write('claude.yaml', `session: ${session}\nwindows:\n  - name: main\n    panes:\n${yaml}`);
  return 'claude.yaml';
}
