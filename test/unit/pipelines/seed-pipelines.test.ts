/** The design document's three pipelines and the shipped skills load as written. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatIssue } from '../../../src/config/config-issue.js';
import { loadPipelineFile } from '../../../src/config/load-pipeline.js';
import { loadSkills } from '../../../src/config/load-skill.js';

const REPO = path.resolve(import.meta.dirname, '..', '..', '..');
const SEED_SKILLS = [
  'aws-ec2-management', 'ci-cd-pipeline', 'codex-danger-full-access', 'docker-compose-workflow', 'gemini-slide-generator',
  'marketing-campaign', 'miyabi-agent-orchestration', 'miyabi-session-recovery', 'miyabi-worktree-management',
  'objective-observation-reporting', 'sns-content-creation', 'tmux-a2a-communication', 'youtube-optimization',
];

function skills() {
  const r = loadSkills({ projectRoot: REPO, builtinSkillsDir: null });
  if (!r.ok) throw new Error(r.issues.map(formatIssue).join('\n'));
  expect(r.warnings.map(formatIssue)).toEqual([]);
  return r.value;
}

describe('shipped skills', () => {
  it('define every skill of the document, and the two its pipelines also name', () => {
    const names = [...skills().keys()].sort();
    for (const s of SEED_SKILLS) expect(names).toContain(s);
    expect(names).toContain('rust-development');
    expect(names).toContain('tmux-permanent-pane-targeting');
  });

  it('never pretend: off-machine actions are configured commands, agent work is an agent task or built-in', () => {
    const r = skills();
    expect(r.get('aws-ec2-management')?.actions.get('verify-instance')?.kind).toBe('configured');
    expect(r.get('sns-content-creation')?.actions.get('create-twitter-posts')?.kind).toBe('configured');
    expect(r.get('gemini-slide-generator')?.actions.get('generate-images')?.kind).toBe('configured');
    expect(r.get('docker-compose-workflow')?.actions.get('docker compose build')).toMatchObject({ kind: 'shell', argv: ['docker', 'compose', 'build'] });
    expect(r.get('rust-development')?.actions.get('cargo check')).toMatchObject({ kind: 'shell', argv: ['cargo', 'check'], shell: false });
  });
});

describe('seed pipelines', () => {
  for (const name of ['development-pipeline', 'multi-agent-pipeline', 'content-pipeline']) {
    it(`${name} loads with every skill and action known`, () => {
      const r = loadPipelineFile(path.join(REPO, 'pipelines', `${name}.yaml`), { skills: skills() });
      if (!r.ok) throw new Error(r.issues.map(formatIssue).join('\n'));
      expect(r.warnings.map(formatIssue)).toEqual([]);
      expect(r.value.name).toBe(name);
    });
  }

  it('reads the development pipeline as the document writes it', () => {
    const r = loadPipelineFile(path.join(REPO, 'pipelines', 'development-pipeline.yaml'), { skills: skills() });
    if (!r.ok) throw new Error('load failed');
    const p = r.value;
    expect(p.triggers).toEqual(['git-push', 'pr-create', 'issue-assign']);
    expect(p.stages.map((s) => s.name)).toEqual(['build', 'lint', 'containerize', 'deploy', 'error-report', 'complete']);
    expect(p.stages[3]).toMatchObject({ condition: 'branch == main', onSuccess: 'complete', onFailure: 'rollback', retries: 2 });
  });

  it('reads inputs and outputs as lists, parallel and continuous as flags', () => {
    const m = loadPipelineFile(path.join(REPO, 'pipelines', 'multi-agent-pipeline.yaml'), { skills: skills() });
    const c = loadPipelineFile(path.join(REPO, 'pipelines', 'content-pipeline.yaml'), { skills: skills() });
    if (!m.ok || !c.ok) throw new Error('load failed');
    expect(m.value.stages[0]?.output).toEqual(['worktree_path']);
    expect(m.value.stages[2]?.input).toEqual(['worktree_path', 'pane_id']);
    expect(m.value.stages[4]).toMatchObject({ continuous: true });
    expect(m.value.stages[5]).toMatchObject({ condition: 'error-detected' });
    expect(c.value.stages[0]?.output).toEqual(['deck', 'images']);
    expect(c.value.stages[2]).toMatchObject({ parallel: true });
  });
});
