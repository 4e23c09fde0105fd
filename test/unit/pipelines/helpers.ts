/** A temp project with skills and a pipeline written from YAML text, and an in-memory journal. */
import { processShell } from '../../../src/shell/run.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { formatIssue } from '../../../src/config/config-issue.js';
import { loadPipelineFile } from '../../../src/config/load-pipeline.js';
import { loadSkills } from '../../../src/config/load-skill.js';
import type { Pipeline } from '../../../src/config/pipeline-schema.js';
import type { SkillRegistry } from '../../../src/config/skill-schema.js';
import type { JournalLike, JournalRecordLike } from '../../../src/pipelines/run-state.js';
import { PipelineRunner, type RunnerOptions } from '../../../src/pipelines/runner.js';

const made: string[] = [];
afterEach(() => {
  for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

export function tempDir(prefix = 'miyabi-pl-'): string {
  const d = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  made.push(d);
  return d;
}

export function write(root: string, rel: string, text: string): string {
  const p = path.join(root, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
  return p;
}

export class MemoryJournal implements JournalLike {
  records: JournalRecordLike[] = [];
  append(type: string, payload: unknown): JournalRecordLike {
    const r = { seq: this.records.length + 1, ts: Date.now(), type, payload: JSON.parse(JSON.stringify(payload ?? null)) as unknown };
    this.records.push(r);
    return r;
  }
  appendDurable(type: string, payload: unknown): JournalRecordLike {
    return this.append(type, payload);
  }
  *replay(after = 0): Generator<JournalRecordLike> {
    for (const r of [...this.records]) if (r.seq > after) yield r;
  }
  of(type: string): Record<string, unknown>[] {
    return this.records.filter((r) => r.type === type).map((r) => r.payload as Record<string, unknown>);
  }
}

export interface Fixture {
  root: string;
  pipeline: Pipeline;
  skills: SkillRegistry;
  journal: MemoryJournal;
  runner(o?: Partial<RunnerOptions>): PipelineRunner;
}

/** `skill` is the YAML of skills/test.yaml (name: test); `pipeline` the YAML of pipelines/p.yaml. */
export function fixture(skill: string, pipeline: string, root = tempDir()): Fixture {
  write(root, 'skills/test.yaml', skill);
  write(root, 'pipelines/p.yaml', pipeline);
  const s = loadSkills({ projectRoot: root });
  if (!s.ok) throw new Error(s.issues.map(formatIssue).join('\n'));
  const p = loadPipelineFile(path.join(root, 'pipelines/p.yaml'), { skills: s.value, cwd: root });
  if (!p.ok) throw new Error(p.issues.map(formatIssue).join('\n'));
  const journal = new MemoryJournal();
  const f: Fixture = {
    root, pipeline: p.value, skills: s.value, journal,
    runner: (o = {}) => new PipelineRunner({
      journal, shell: processShell, pipeline: f.pipeline, skills: f.skills, runId: 'p-20250101-000000-abcd', root,
      runDir: path.join(root, '.miyabi/runs/r'), reportsDir: path.join(root, '.miyabi/reports'),
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, ...o,
    }),
  };
  fs.mkdirSync(path.join(root, '.miyabi/runs/r'), { recursive: true });
  return f;
}

/** Waits for `cond` with a deadline (no fixed sleeps). */
export async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met before the deadline');
    await new Promise((r) => setTimeout(r, 20));
  }
}
