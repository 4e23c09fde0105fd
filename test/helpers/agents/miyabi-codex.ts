import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureCodex } from './install.js';
import type { TestProject } from '../project.js';

/**
 * A Codex home for a real Codex against the fake Responses API at `url` (../shared/REAL-AGENTS.md):
 * the mock provider, no update check, no daemon, no plugins or analytics, and `trusted` folders,
 * so it starts straight at its input box.
 */
export function codexHome(home: string, url: string, trusted: string[]): Record<string, string> {
  mkdirSync(join(home, '.codex'), { recursive: true });
  const projects = trusted.map((dir) => `[projects.${JSON.stringify(dir)}]\ntrust_level = "trusted"\n`).join('');
  writeFileSync(
    join(home, '.codex', 'config.toml'),
    `model_provider = "mock"
model = "gpt-mock"
check_for_update_on_startup = false
sandbox_mode = "danger-full-access"
approval_policy = "never"
[model_providers.mock]
name = "mock"
base_url = "${url}/v1"
wire_api = "responses"
env_key = "MOCK_API_KEY"
request_max_retries = 0
stream_max_retries = 0
[tui]
show_tooltips = false
[features]
plugins = false
daemon_auto_start = false
[analytics]
enabled = false
[feedback]
enabled = false
${projects}`,
  );
  // Without the provider's key variable a submitted prompt silently vanishes.
  return { HOME: home, MOCK_API_KEY: 'test-key' };
}

/**
 * A miyabi layout of real Codex agents for `p` against the server at `url`, one throwaway HOME for
 * all. Each pane is [name, extra YAML lines] (e.g. `hooks: true`); every pane runs in the project
 * folder. Returns the layout file's name.
 */
export async function codexLayout(p: TestProject, url: string, session: string, panes: [string, string?][]): Promise<string> {
  const codex = await ensureCodex();
  const env = codexHome(join(p.root, '.home'), url, [p.root]);
  const envYaml = Object.entries(env).map(([k, v]) => `          ${k}: ${JSON.stringify(v)}\n`).join('');
  const yaml = panes
    .map(([name, extra = '']) => `      - role: agent\n        name: ${name}\n        command: [${JSON.stringify(codex)}, --no-daemon]\n        cwd: ${JSON.stringify(p.root)}\n${extra}        env:\n${envYaml}`)
    .join('');
  p.write('codex.yaml', `session: ${session}\nwindows:\n  - name: main\n    panes:\n${yaml}`);
  return 'codex.yaml';
}
