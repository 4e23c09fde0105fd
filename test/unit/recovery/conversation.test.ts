import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { conversationData, cwdSlug, launchArgv, learnId, neverRestarts } from '../../../src/recovery/conversation.js';

const home = mkdtempSync(join(tmpdir(), 'conv-'));
const newId = () => 'new-id';

describe('the exact conversation', () => {
  it('Claude Code gets --session-id at launch and --resume only when its transcript exists, never --continue', () => {
    const { data } = conversationData(['claude', '--model', 'x']);
    const first = launchArgv(['claude', '--model', 'x'], { data, known: null, restart: false, home, cwd: '/p/a', newId });
    expect(first).toMatchObject({ mode: 'new', sessionId: 'new-id', argv: ['claude', '--session-id', 'new-id', '--model', 'x'] });
    const noTranscript = launchArgv(['claude'], { data, known: 'abc', restart: true, home, cwd: '/p/a' });
    expect(noTranscript).toMatchObject({ mode: 'new', argv: ['claude', '--session-id', 'abc'] });
    const dir = join(home, '.claude', 'projects', cwdSlug('/p/a'));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'abc.jsonl'), '{}\n');
    const resumed = launchArgv(['claude'], { data, known: 'abc', restart: true, home, cwd: '/p/a' });
    expect(resumed).toMatchObject({ mode: 'resume', argv: ['claude', '--resume', 'abc'] });
    expect(resumed.argv).not.toContain('--continue');
  });

  it('Codex learns its id from session_index.jsonl (the newest since its start, not a neighbour’s) and resumes with `codex resume <id>`', () => {
    const { data } = conversationData(['codex']);
    expect(launchArgv(['codex'], { data, known: null, restart: false, home, cwd: '/p' }).mode).toBe('fresh');
    mkdirSync(join(home, '.codex'), { recursive: true });
    writeFileSync(join(home, '.codex', 'session_index.jsonl'), [
      JSON.stringify({ id: 'old', updated_at: '2020-01-01T00:00:00Z' }),
      JSON.stringify({ id: 'neighbour', updated_at: '2030-01-01T00:00:01Z' }),
      JSON.stringify({ id: 'mine', updated_at: '2030-01-01T00:00:00Z' }),
      'not json',
    ].join('\n'));
    expect(learnId(data, { home, since: Date.parse('2029-01-01'), claimed: new Set(['neighbour']) })).toBe('mine');
    expect(launchArgv(['codex', '--no-daemon'], { data, known: 'mine', restart: true, home, cwd: '/p' }).argv).toEqual(['codex', 'resume', 'mine', '--no-daemon']);
  });

  it('a CLI that can do neither restarts fresh and says so; a wrapper under a named profile gets no flags', () => {
    const aider = launchArgv(['aider'], { data: conversationData(['aider']).data, known: null, restart: true, home, cwd: '/p' });
    expect(aider).toMatchObject({ mode: 'fresh', reason: expect.stringContaining('neither') });
    expect(conversationData(['node', 'fake.mjs'], 'claude').data).toBeNull();
    expect(neverRestarts(['claude'])).toBe(false);
  });
});
