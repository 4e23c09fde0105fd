import { afterEach, describe, expect, it, vi } from 'vitest';
import { Activity, bar, BUCKET_MS, BUCKETS } from '../../../src/ui/dashboard/activity.js';
import { DiffCache, diffPanelLines, type DiffReply } from '../../../src/ui/dashboard/diffs.js';
import { actor } from '../../../src/ui/dashboard/data.js';
import { formatCost, formatShare, UsageFold } from '../../../src/ui/dashboard/usage.js';

afterEach(() => void vi.useRealTimers());

const reply = (agent: string, added: number, patch?: string): DiffReply => ({
  agent, dir: `/wt/${agent}`, base: 'main', baseCommit: 'abcdef0123456789', files: [{ path: 'a.ts', added, removed: 1, binary: false }], added, removed: 1,
  ...(patch !== undefined ? { patch } : {}),
});

describe('the diff cache', () => {
  it('fetches each agent once when seen, again only after it did something (a burst is one fetch), two at a time', async () => {
    vi.useFakeTimers();
    const asked: string[] = [];
    let open = 0;
    let most = 0;
    const cache = new DiffCache(async (agent) => {
      asked.push(agent);
      most = Math.max(most, ++open);
      await new Promise((r) => setTimeout(r, 10));
      open--;
      return reply(agent, asked.length);
    }, () => undefined, 500);
    cache.track(['a', 'b', 'c']);
    cache.track(['a', 'b', 'c']); // a frame later: nothing new is asked
    await vi.advanceTimersByTimeAsync(50);
    expect(asked.sort()).toEqual(['a', 'b', 'c']);
    expect(most).toBe(2);
    expect(cache.get('a')).toMatchObject({ removed: 1, files: 1 });
    for (let i = 0; i < 20; i++) cache.touch('b');
    await vi.advanceTimersByTimeAsync(400);
    expect(asked).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(200);
    expect(asked.filter((x) => x === 'b')).toHaveLength(2);
    cache.stop();
  });

  it("asks for the selected agent's patch once, and again after that agent's activity", async () => {
    vi.useFakeTimers();
    const asked: string[] = [];
    const cache = new DiffCache(async (agent, patch) => (asked.push(`${agent}:${patch}`), reply(agent, 5, '+x\n')), () => undefined, 100);
    expect(cache.patchOf('a')).toBeNull();
    expect(cache.patchOf('a')).toBeNull(); // already asked
    await vi.advanceTimersByTimeAsync(1);
    expect(cache.patchOf('a')).toMatchObject({ added: 5 });
    expect(asked).toEqual(['a:true']);
    cache.touch('a');
    await vi.advanceTimersByTimeAsync(150);
    cache.patchOf('a');
    expect(asked.filter((x) => x === 'a:true')).toHaveLength(2);
    cache.stop();
  });

  it('the panel says against what, lists the files, then the patch', () => {
    const lines = diffPanelLines('a', reply('a', 12, 'diff --git a/a.ts b/a.ts\n+new line\n'));
    expect(lines[0]).toBe('a against main (abcdef01) in /wt/a');
    expect(lines[1]).toBe('+12 -1 in 1 file');
    expect(lines[2]).toMatch(/^\s+\+12\s+-1\s+a\.ts$/);
    expect(lines).toContain('+new line');
    expect(diffPanelLines('a', { error: 'not a git worktree' })).toEqual(['no diff for a: not a git worktree']);
  });

  it('an agent is touched by what it does, not by records about others', () => {
    expect(actor({ seq: 1, ts: 0, type: 'agent.state', payload: { name: 'a', state: 'idle' } })).toBe('a');
    expect(actor({ seq: 1, ts: 0, type: 'message.delivered', payload: { to: 'b' } })).toBe('b');
    expect(actor({ seq: 1, ts: 0, type: 'trigger.fired', payload: { rule: 'r' } })).toBeNull();
  });
});

describe('the activity sparkline', () => {
  it('one glyph per interval, log scale, the first sample only sets the mark', () => {
    expect([0, 1, 16, 1024, 1 << 20].map(bar)).toEqual([' ', '\u2581', '\u2583', '\u2586', '\u2588']);
    const a = new Activity();
    const t0 = 100 * BUCKET_MS;
    a.sample('x', 5000, t0);
    expect(a.spark('x', t0)).toBe(' '.repeat(BUCKETS));
    a.sample('x', 5016, t0 + 1);
    a.sample('x', 6040, t0 + BUCKET_MS);
    const s = a.spark('x', t0 + BUCKET_MS);
    expect(s).toHaveLength(BUCKETS);
    expect(s.slice(-2)).toBe('\u2583\u2586');
    // Older than the window: gone.
    expect(a.spark('x', t0 + 20 * BUCKET_MS).trim()).toBe('');
  });
});

describe('context and cost', () => {
  it('seeded from the report, then kept from usage records past its lastSeq (none counted twice)', () => {
    const u = new UsageFold();
    const rec = (seq: number, costUsd: number | null) => ({ seq, type: 'usage.recorded', payload: { agent: 'a', costUsd, contextTokens: 50_000, window: 200_000 } });
    u.onEvent(rec(9, 0.5)); // heard before the report; the report counts it
    u.fromReport({ lastSeq: 10, agents: [{ name: 'a', costUsdEstimate: 1.5, contextShare: 0.1, tokens: { input: 10 } }, { name: 'shell', costUsdEstimate: 0, contextShare: null, tokens: { input: 0 } }] });
    expect(u.get('a')).toEqual({ costUsd: 1.5, context: 0.1 });
    expect(u.get('shell')).toBeUndefined();
    expect(u.onEvent(rec(10, 0.5))).toBe(false);
    u.onEvent(rec(11, 0.25));
    expect(u.get('a')).toEqual({ costUsd: 1.75, context: 0.25 });
    expect([formatCost(1.754), formatCost(123.4), formatCost(null), formatShare(0.426), formatShare(null)]).toEqual(['$1.75', '$123', '-', '43%', '-']);
  });
});
