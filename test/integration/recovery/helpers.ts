import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from '../../helpers/project.js';

export type Rec = { seq: number; type: string; payload: Record<string, unknown> };

export function journal(t: TestProject): Rec[] {
  return readFileSync(join(t.root, '.miyabi', 'journal', 'events.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Rec);
}

export const recoveryTrail = (t: TestProject, agent?: string) =>
  journal(t).filter((r) => r.type.startsWith('recovery.') && (agent === undefined || r.payload.agent === agent)).map((r) => `${r.type.slice(9)}:${String(r.payload.agent)}:L${String(r.payload.level)}`);

interface Row { name: string; pid: number; alive: boolean; cwd: string; worktree: string | null; paneId: string }
export async function agentRow(t: TestProject, name: string): Promise<Row | undefined> {
  const r = await t.miyabi(['agents', '--json']);
  return r.exitCode === 0 ? (JSON.parse(r.stdout) as Row[]).find((a) => a.name === name) : undefined;
}

