import { afterEach, describe, expect, it, vi } from 'vitest';
import { NoticeFeed } from '../../../src/ui/conductor/notices.js';
import { startFakeController, type FakeController } from '../../helpers/fake-controller.js';

let fc: FakeController | undefined;
let feed: NoticeFeed | undefined;
afterEach(async () => {
  feed?.stop();
  await fc?.dispose();
  fc = feed = undefined;
});

const finished = (runId: string) => ({ runId, outcome: 'succeeded', durationMs: 1000 }) as const;

describe("the conductor's notice feed", () => {
  it('resumes from the last seq it saw after the controller went away: no notice lost, none twice', async () => {
    fc = await startFakeController({ journal: true });
    const j = fc.journal!;
    const lines: string[] = [];
    feed = new NoticeFeed(fc.socketPath, (l) => lines.push(l));
    feed.start();
    await vi.waitFor(() => expect(fc!.subscriberCount()).toBe(1));
    j.append('run.finished', finished('r1'));
    await vi.waitFor(() => expect(lines).toHaveLength(1));
    await fc.stop();
    j.append('run.finished', finished('r2'));
    j.append('run.finished', finished('r3'));
    await fc.start();
    await vi.waitFor(() => expect(lines).toHaveLength(3), { timeout: 10_000 });
    j.append('run.finished', finished('r4'));
    await vi.waitFor(() => expect(lines).toHaveLength(4));
    expect(lines.map((l) => /run\] (r\d)/.exec(l)?.[1])).toEqual(['r1', 'r2', 'r3', 'r4']);
  });
});
