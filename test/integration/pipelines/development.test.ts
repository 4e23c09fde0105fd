/**
 * THE development pipeline of the design document, shipped as pipelines/development-pipeline.yaml, on
 * a small Rust crate: build and lint pass, containerize fails (no Docker engine or compose plugin runs
 * here: a real failure), and the run goes to error-report along the document's edges.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { project, type Project, type RunJson } from './cli.js';

function has(args: string[]): boolean {
  try {
    execFileSync('cargo', args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const CRATE = {
  'Cargo.toml': '[package]\nname = "tiny"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n',
  'src/lib.rs': '/// Adds two numbers.\npub fn add(a: u64, b: u64) -> u64 {\n    a + b\n}\n\n#[cfg(test)]\nmod tests {\n    use super::*;\n\n    #[test]\n    fn adds() {\n        assert_eq!(add(2, 2), 4);\n    }\n}\n',
  '.gitignore': 'target\n',
};

describe.skipIf(!has(['--version']))('development pipeline on a Rust crate (skipped only where cargo is not installed)', () => {
  let p: Project;
  let run: RunJson;
  let out: { exitCode: number; stdout: string; stderr: string };
  const lintNote: string[] = [];

  beforeAll(async () => {
    p = project('main');
    for (const [rel, text] of Object.entries(CRATE)) p.write(rel, text);
    // Honest about the lint tools: when clippy or rustfmt is missing, the lint stage runs what exists.
    if (!has(['clippy', '--version']) || !has(['fmt', '--version'])) {
      lintNote.push('cargo clippy or cargo fmt is missing here: lint runs `cargo check` in their place');
      p.write('skills/ci-cd-pipeline.yaml', 'name: ci-cd-pipeline\nactions:\n  cargo clippy: cargo check\n  cargo fmt --check: cargo check\n');
    }
    expect(execFileSync('cargo', ['build', '--offline'], { cwd: p.root, encoding: 'utf8', stdio: 'pipe' })).toBeDefined();
    out = await p.miyabi(['run', 'development-pipeline', '--wait']);
    const runs = await p.miyabi(['runs', '--json']);
    run = (JSON.parse(runs.stdout) as RunJson[])[0] as RunJson;
  }, 120_000);

  afterAll(() => p?.cleanup());

  it('build and lint pass, containerize fails after its tries, and error-report runs', () => {
    if (lintNote.length) console.warn(lintNote.join('\n'));
    expect(out.exitCode, out.stdout + out.stderr).toBe(1);
    expect(run.pipeline).toBe('development-pipeline');
    expect(run.status).toBe('failed');
    expect(run.stages.map((s) => [s.name, s.outcome])).toEqual([
      ['build', 'passed'], ['lint', 'passed'], ['containerize', 'failed'], ['error-report', 'passed'],
    ]);
    expect(run.stages[2]).toMatchObject({ attempts: 3, escalated: true });
    expect(run.stages[2]?.error).toMatch(/docker compose build: docker exited with code/);
    for (const s of run.stages) expect(s.durationMs).toEqual(expect.any(Number));
  });

  it('writes the logs and an error report from what happened', async () => {
    const dir = path.join(p.root, '.miyabi', 'runs', run.id);
    expect(fs.readFileSync(path.join(dir, 'build.log'), 'utf8')).toMatch(/test result: ok\. 1 passed/);
    const logs = await p.miyabi(['logs', run.id, 'containerize']);
    expect(logs.stdout).toMatch(/\$ docker compose build/);
    const report = fs.readFileSync(path.join(p.root, '.miyabi', 'reports', `${run.id}-error.md`), 'utf8');
    expect(report).toMatch(/\| containerize \| failed \(escalated\) \| 3 \|/);
    expect(report).toMatch(/## containerize failed/);
    // One journal for the project: the run's records are in it, each with the run's id.
    const records = fs.readFileSync(path.join(p.root, '.miyabi', 'journal', 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; payload: { runId?: string } });
    expect(records.filter((r) => r.type === 'conductor.notify').map((r) => r.payload.runId)).toEqual([run.id]);
    expect(records.filter((r) => r.type === 'stage.finished').length).toBe(4);
  });
});
