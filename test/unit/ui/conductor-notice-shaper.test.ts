import { afterEach, describe, expect, it, vi } from 'vitest';
import { NoticeShaper, DELIVERED_PER_WINDOW } from '../../../src/ui/conductor/notice-shaper.js';
import { formatNotice } from '../../../src/ui/conductor/notices.js';

const ev = (type: string, payload: Record<string, unknown>) => ({ seq: 1, ts: 0, type, payload });
const delivered = (to: string) => ev('message.delivered', { to, pane: '%1', ids: ['1764660000000.abcdef.h'], ms: 120, outcome: 'submitted' });

afterEach(() => void vi.useRealTimers());

describe("the conductor's notices", () => {
  it('say which message reached which agent, and which failed and why', () => {
    expect(formatNotice(delivered('worker'))).toMatch(/^\[msg\] \S+ delivered to worker \(submitted, 120 ms\)$/);
    expect(formatNotice(ev('message.failed', { to: 'w', pane: '%1', ids: ['x'], outcome: 'stalled', reason: 'the agent never took the paste' })))
      .toMatch(/^\[msg\] \S+ to w FAILED: the agent never took the paste$/);
    expect(formatNotice(ev('notify.sent', { channel: 'tmux', event: 'agent.waiting', key: 'agent.waiting:w', attempts: 1, text: 'agent w is waiting for input' })))
      .toBe('[notify] agent w is waiting for input');
    expect(formatNotice(ev('notify.failed', { channel: 'desktop', event: 'run.failed', key: 'run.failed:r1', attempts: 1, error: 'notify-send: not configured', text: 'run r1 failed' })))
      .toBe('[notify] run r1 failed (not sent to desktop: notify-send: not configured)');
    expect(formatNotice(ev('agent.state', { name: 'w', state: 'busy' }))).toBeNull();
  });

  it('a notification sent to several channels is one line', () => {
    const lines: string[] = [];
    const s = new NoticeShaper((l) => lines.push(l), () => 1000);
    for (const channel of ['tmux', 'webhook']) {
      const e = ev('notify.sent', { channel, key: 'agent.waiting:w', text: 't' });
      s.offer(e, formatNotice(e)!);
    }
    expect(lines).toEqual(['[notify] t']);
  });

  it('a flood of deliveries is a few lines and one count; every failure prints', () => {
    vi.useFakeTimers();
    const lines: string[] = [];
    const s = new NoticeShaper((l) => lines.push(l), () => Date.now());
    for (let i = 0; i < 50; i++) s.offer(delivered(`a${i}`), `d${i}`);
    s.offer(ev('message.failed', {}), 'failed one');
    expect(lines).toEqual([...Array.from({ length: DELIVERED_PER_WINDOW }, (_, i) => `d${i}`), 'failed one']);
    vi.advanceTimersByTime(1000);
    expect(lines.at(-1)).toBe(`[msg] ${50 - DELIVERED_PER_WINDOW} more delivered`);
    s.offer(delivered('later'), 'd-later');
    expect(lines.at(-1)).toBe('d-later');
    s.stop();
  });
});
