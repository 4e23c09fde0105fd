// The pipeline runner's own cost per stage: stages that run `true`, against spawning `true`
// directly, both measured in this run. Stage durations come from `miyabi runs --json`.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summarize } from './stats.mjs';

const BIN = new URL('../../bin/miyabi.js', import.meta.url).pathname;
const STAGES = 20;

export function benchPipelineStage(runs) {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'miyabi-bench-pipe-')));
  try {
    execFileSync('git', ['init', '-q', root]);
    mkdirSync(join(root, 'pipelines'));
    mkdirSync(join(root, 'skills'));
    writeFileSync(join(root, 'skills', 'bench-true.yaml'), 'name: bench-true\ndescription: does nothing, for timing\nactions:\n  "true": "true"\n');
    const stages = Array.from({ length: STAGES }, (_, i) => `  - name: s${i}\n    skill: bench-true\n    actions: ["true"]\n`).join('');
    writeFileSync(join(root, 'pipelines', 'bench.yaml'), `name: bench\ntrigger: manual\nstages:\n${stages}`);
    const stage = [];
    const spawnTrue = [];
    for (let r = 0; r < runs; r++) {
      const run = spawnSync(process.execPath, [BIN, 'run', 'bench', '--wait'], { cwd: root, encoding: 'utf8' });
      if (run.status !== 0) throw new Error(`bench pipeline failed: ${run.stderr}`);
      for (let i = 0; i < STAGES; i++) {
        const t0 = performance.now();
        spawnSync('true');
        spawnTrue.push(performance.now() - t0);
      }
    }
    const all = JSON.parse(execFileSync(process.execPath, [BIN, 'runs', '--json'], { cwd: root, encoding: 'utf8' }));
    for (const run of all) for (const s of run.stages) stage.push(s.durationMs);
    const base = summarize(spawnTrue);
    const st = summarize(stage);
    const overhead = summarize(stage.map((d) => Math.max(0, d - base.p50)));
    return [
      { name: 'spawn `true` (baseline)', ...base },
      { name: 'pipeline stage running `true`', ...st, ratio: st.p50 / base.p50, baseline: 'spawn true' },
      { name: 'runner overhead per stage', ...overhead, target: 'stage minus the baseline p50' },
    ];
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
