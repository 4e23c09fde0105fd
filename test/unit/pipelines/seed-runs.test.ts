/** The document's multi-agent and content pipelines, run as shipped: nothing pretends to succeed. */
import { processShell } from '../../../src/shell/run.js';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPipelineFile } from '../../../src/config/load-pipeline.js';
import { loadSkills } from '../../../src/config/load-skill.js';
import type { AgentPort } from '../../../src/pipelines/agent-port.js';
import { PipelineRunner } from '../../../src/pipelines/runner.js';
import { MemoryJournal, tempDir } from './helpers.js';

const REPO = path.resolve(import.meta.dirname, '..', '..', '..');

function runner(name: string, o: { agents?: AgentPort; vars?: Record<string, string> } = {}) {
  const root = tempDir();
  const skills = loadSkills({ projectRoot: REPO, builtinSkillsDir: null });
  if (!skills.ok) throw new Error('skills');
  const p = loadPipelineFile(path.join(REPO, 'pipelines', `${name}.yaml`), { skills: skills.value });
  if (!p.ok) throw new Error('pipeline');
  const runDir = path.join(root, 'runs', 'r');
  fs.mkdirSync(runDir, { recursive: true });
  const journal = new MemoryJournal();
  const pipeline = { ...p.value, stages: p.value.stages.map((s) => ({ ...s, backoffMs: 1, intervalMs: 10 })) };
  return {
    root, journal,
    r: new PipelineRunner({ journal, shell: processShell, pipeline, skills: skills.value, runId: `${name}-20250101-000000-abcd`, root, runDir, reportsDir: path.join(root, 'reports'), env: { PATH: process.env.PATH ?? '' }, ...o }),
  };
}

const outcomes = (st: { stages: { name: string; outcome: string }[] }) => st.stages.map((s) => `${s.name}:${s.outcome}`);

describe('multi-agent pipeline', () => {
  it('without agents: prepare fails clearly, the rest is skipped, and the error-detected recovery stage runs (and fails the same way)', async () => {
    const { r } = runner('multi-agent-pipeline');
    const st = await r.start();
    expect(outcomes(st)).toEqual(['prepare:failed', 'target:skipped', 'assign:skipped', 'execute:skipped', 'communicate:skipped', 'recover:failed']);
    expect(st.stages[0]?.error).toMatch(/create-worktree needs a running controller/);
    expect(st.outcome).toBe('failed');
  });

  it('with an agent port: outputs feed inputs, communicate runs beside the rest, recover is skipped', async () => {
    const seen: Record<string, Record<string, string>> = {};
    const agents: AgentPort = {
      builtin: async (name, req) => {
        seen[name] = req.inputs;
        return name === 'create-worktree' ? '/wt/1' : name === 'get-available-pane' ? '%3' : `${name} done`;
      },
      task: async () => 'done',
    };
    const { r } = runner('multi-agent-pipeline', { agents });
    const st = await r.start();
    expect(st.outcome).toBe('succeeded');
    expect(seen['assign-agent']).toEqual({ worktree_path: '/wt/1', pane_id: '%3' });
    expect(outcomes(st)).toContain('communicate:stopped');
    expect(outcomes(st)).toContain('recover:skipped');
  });
});

describe('content pipeline', () => {
  it('fails "not configured" instead of pretending to reach an image model', async () => {
    const { r } = runner('content-pipeline');
    const st = await r.start();
    expect(st.stages[0]).toMatchObject({ name: 'visual', outcome: 'failed', attempts: 1 });
    expect(st.stages[0]?.error).toMatch(/not configured: set MIYABI_SLIDES_DECK_CMD/);
    expect(st.outcome).toBe('failed');
  });

  it('runs configured commands, posts in parallel, and summarizes what it made', async () => {
    const vars = {
      MIYABI_SLIDES_DECK_CMD: 'echo deck.pdf', MIYABI_SLIDES_IMAGES_CMD: 'echo img1.png',
      MIYABI_SNS_TWITTER_CMD: 'echo tw', MIYABI_SNS_INSTAGRAM_CMD: 'echo ig', MIYABI_SNS_LINKEDIN_CMD: 'echo li', MIYABI_THUMBNAILS_CMD: 'echo thumb.png',
    };
    const agents: AgentPort = { builtin: async (n) => n, task: async (t) => `plan for: ${t.slice(0, 10)}` };
    const { r, root } = runner('content-pipeline', { vars, agents });
    const st = await r.start();
    expect(outcomes(st)).toEqual(['visual:passed', 'marketing:passed', 'social:passed', 'video:passed', 'report:passed']);
    expect(st.outputs).toMatchObject({ deck: 'deck.pdf', images: 'img1.png' });
    const report = fs.readFileSync(path.join(root, 'reports', 'content-pipeline-20250101-000000-abcd-content.md'), 'utf8');
    expect(report).toMatch(/\*\*deck\*\*: deck\.pdf/);
  });
});
