import { rmSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import type { AgentRow } from '../../src/ipc/messages/agents.js';
import type { TestProject } from './project.js';

/** `miyabi agents --json`, parsed. */
export async function agentRows(t: TestProject): Promise<AgentRow[]> {
  return JSON.parse((await t.miyabi(['agents', '--json'])).stdout) as AgentRow[];
}

/**
 * Ends the project and removes the agents' worktree pool beside it (`.<name>-miyabi-worktrees`,
 * made by spawn outside the project folder, so the project's own cleanup does not reach it).
 */
export async function cleanupWithWorktrees(p: TestProject | undefined): Promise<void> {
  if (!p) return;
  const root = p.root;
  await p.cleanup();
  rmSync(join(dirname(root), `.${basename(root)}-miyabi-worktrees`), { recursive: true, force: true });
}
