import { execFileSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentCacheRoot, CLAUDE_VERSION, CODEX_VERSION, ensureClaude, ensureCodex } from '../helpers/agents/install.js';

const RUN = process.env.MIYABI_AGENT_TESTS === '1';
const REPO = resolve(import.meta.dirname, '..', '..');

describe.skipIf(!RUN)('agent CLIs installed for the agents suite', () => {
  it('installs the pinned Claude Code and Codex into a cache outside the repository, once', async () => {
    const [claude, codex] = await Promise.all([ensureClaude(), ensureCodex()]);
    expect(await ensureClaude()).toBe(claude);
    for (const bin of [claude, codex]) {
      expect(bin.startsWith(agentCacheRoot())).toBe(true);
      expect(realpathSync(bin).startsWith(REPO + '/')).toBe(false);
    }
    expect(execFileSync(claude, ['--version'], { encoding: 'utf8' })).toContain(`${CLAUDE_VERSION} (Claude Code)`);
    expect(execFileSync(codex, ['--version'], { encoding: 'utf8' })).toContain(`codex-cli ${CODEX_VERSION}`);
  });
});
