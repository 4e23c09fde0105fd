/**
 * A generated run id has 16 random bits per second, so a burst of starts (a trigger firing on many
 * events, as the triggers bench does) meets an id that is taken: a new one is drawn, never a refusal.
 */
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Journal } from '../../../src/core/journal.js';
import { RunsHost } from '../../../src/pipelines/runs-host.js';
import { processShell } from '../../../src/shell/run.js';
import { tempDir, write } from './helpers.js';

const drawn = vi.hoisted(() => ['p-20261202-000000-aaaa', 'p-20261202-000000-aaaa', 'p-20261202-000000-bbbb']);
vi.mock('../../../src/pipelines/run-dir.js', async (load) => {
  const real = await load<typeof import('../../../src/pipelines/run-dir.js')>();
  return { ...real, newRunId: (pipeline: string, now?: Date) => drawn.shift() ?? real.newRunId(pipeline, now) };
});

const journals: Journal[] = [];
afterEach(() => {
  for (const j of journals.splice(0)) j.close();
});

describe('run ids', () => {
  it('a generated id that is taken is drawn again; a given one that is taken is refused', async () => {
    const root = tempDir('miyabi-runid-');
    write(root, 'skills/test.yaml', "name: test\nactions:\n  mark: \"/bin/sh -c 'echo x >> marks'\"\n");
    write(root, 'pipelines/p.yaml', 'name: p\nstages:\n  - { name: one, skill: test, actions: [mark] }\n');
    const journal = Journal.open(path.join(root, '.miyabi'), { fsync: 'group' });
    journals.push(journal);
    const host = new RunsHost({ shell: processShell, root, journal });
    const a = await host.start({ pipeline: 'p' });
    expect(a.runId).toBe('p-20261202-000000-aaaa');
    expect((await host.done(a.runId))?.outcome).toBe('succeeded');
    const b = await host.start({ pipeline: 'p' });
    expect(b.runId).toBe('p-20261202-000000-bbbb');
    expect((await host.done(b.runId))?.outcome).toBe('succeeded');
    await expect(host.start({ pipeline: 'p', runId: a.runId })).rejects.toThrow(/exists already/);
  });
});
