import { afterEach, describe, expect, it, vi } from 'vitest';
import { IpcClient } from '../../../src/ipc/client.js';
import { followRun } from '../../../src/cli/verbs/run.js';
import { startFakeController, type FakeController } from '../../helpers/fake-controller.js';

let fc: FakeController | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await fc?.dispose();
  fc = undefined;
});

const stage = (runId: string, name: string) =>
  ({ runId, stage: name, outcome: 'passed', attempts: 1, durationMs: 5, next: null, via: 'end' }) as const;

describe('run --wait across a controller restart', () => {
  it('reconnects with the last seq it saw: the steps of the run logged meanwhile are printed once, in order, and its end is seen', async () => {
    fc = await startFakeController({ journal: true });
    const j = fc.journal!;
    const out: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const client = await IpcClient.connect(fc.socketPath);
    const done = followRun(client, async () => ({ runId: 'r1', status: 'started', others: [] }), async () => {
      try {
        return await IpcClient.connect(fc!.socketPath, 500);
      } catch {
        return null;
      }
    });
    await vi.waitFor(() => expect(out.join('')).toContain('run r1'));
    j.append('stage.finished', stage('r1', 'one'));
    await vi.waitFor(() => expect(out.join('')).toContain('one: passed'));
    await fc.stop();
    // The controller is away: its journal goes on (a restart resumes the run).
    j.append('stage.finished', stage('r1', 'two'));
    j.append('stage.finished', stage('r1', 'three'));
    j.append('run.finished', { runId: 'r1', outcome: 'succeeded', durationMs: 30 });
    await fc.start();
    expect(await done).toBe(0);
    client.close();
    const lines = out.join('').split('\n').filter((l) => /^(one|two|three):/.test(l));
    expect(lines.map((l) => l.split(':')[0])).toEqual(['one', 'two', 'three']);
  });
});
