import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StatusResult } from '../../src/ipc/protocol.js';
import type { TestProject } from './project.js';

export const READER = join(import.meta.dirname, '..', 'fixtures', 'reader.mjs');

/** What a reader pane recorded: one entry per submission, exactly as received. */
export function received(p: TestProject, name: string): string[] {
  const f = join(p.root, 'rec', `${name}.jsonl`);
  if (!existsSync(f)) return [];
  return readFileSync(f, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as string);
}

/** A layout of reader agents (and extra YAML per agent), started with `up --json`. */
export async function upReaders(p: TestProject, names: string[], extra = '', top = ''): Promise<StatusResult> {
  mkdirSync(join(p.root, 'rec'), { recursive: true });
  const panes = names
    .map((n) => `      - role: agent\n        name: ${n}\n        command: [node, ${JSON.stringify(READER)}, rec/${n}.jsonl]\n${extra}`)
    .join('');
  p.write('readers.yaml', `session: rd\n${top}windows:\n  - name: main\n    panes:\n${panes}`);
  const r = await p.miyabi(['up', '-l', 'readers.yaml', '--json']);
  if (r.exitCode !== 0) throw new Error(`up failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as StatusResult;
}
