/**
 * RunsHost over a real project journal: what a second run of a pipeline does while one runs (its
 * `concurrency`), and how a new host takes over the runs an earlier one stopped — the running one
 * resumed from its last finished stage, the waiting one started after it.
 */
import { processShell } from '../../../src/shell/run.js';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Journal } from '../../../src/core/journal.js';
import { readRun, runDir } from '../../../src/pipelines/run-dir.js';
import { RunsHost } from '../../../src/pipelines/runs-host.js';
import { printRunRecord } from '../../../src/cli/run-progress.js';
import { until } from '../../helpers/project.js';
import { tempDir, write } from './helpers.js';

const SKILL = `name: test
actions:
  mark: "/bin/sh -c 'echo $MIYABI_RUN_ID >> marks'"
  hold: "/bin/sh -c 'while [ ! -f go ]; do sleep 0.02; done'"
`;
const pipeline = (concurrency: string) => `name: p
concurrency: ${concurrency}
stages:
  - { name: first, skill: test, actions: [mark] }
  - { name: second, skill: test, actions: [hold], retries: 0 }
`;

const journals: Journal[] = [];
afterEach(() => {
  for (const j of journals.splice(0)) j.close();
});

function openHost(root: string): { host: RunsHost; journal: Journal } {
  const journal = Journal.open(path.join(root, '.miyabi'), { fsync: 'group' });
  journals.push(journal);
  return { host: new RunsHost({ shell: processShell, root, journal }), journal };
}

function project(concurrency: string): string {
  const root = tempDir('miyabi-host-');
  write(root, 'skills/test.yaml', SKILL);
  write(root, 'pipelines/p.yaml', pipeline(concurrency));
  return root;
}

const status = (root: string, id: string) => readRun(runDir(root, id))?.status;

describe('a second run of a pipeline while one runs', () => {
  it('skip: is not started, and says which run it gave way to', async () => {
    const root = project('skip');
    const { host, journal } = openHost(root);
    const a = await host.start({ pipeline: 'p' });
    const b = await host.start({ pipeline: 'p' });
    expect(b).toMatchObject({ status: 'skipped', others: [a.runId] });
    expect([...journal.replay()].filter((r) => r.type === 'run.skipped')).toHaveLength(1);
    fs.writeFileSync(path.join(root, 'go'), '');
    expect((await host.done(a.runId))?.outcome).toBe('succeeded');
  });

  it('queue: waits, then runs once the first has ended — never both at once', async () => {
    const root = project('queue');
    const { host, journal } = openHost(root);
    const a = await host.start({ pipeline: 'p' });
    const b = await host.start({ pipeline: 'p' });
    expect(b).toMatchObject({ status: 'queued', others: [a.runId] });
    expect(status(root, b.runId)).toBe('queued');
    fs.writeFileSync(path.join(root, 'go'), '');
    await host.done(a.runId);
    expect((await host.done(b.runId))?.outcome).toBe('succeeded');
    const recs = [...journal.replay()];
    const aEnd = recs.find((r) => r.type === 'run.finished' && (r.payload as { runId: string }).runId === a.runId)!.seq;
    const bStart = recs.find((r) => r.type === 'run.started' && (r.payload as { runId: string }).runId === b.runId)!.seq;
    expect(bStart).toBeGreaterThan(aEnd);
  });

  it('cancel: the first ends cancelled and the second starts', async () => {
    const root = project('cancel');
    const { host } = openHost(root);
    const a = await host.start({ pipeline: 'p' });
    const b = await host.start({ pipeline: 'p' });
    expect(b).toMatchObject({ status: 'started', others: [a.runId] });
    expect(readRun(runDir(root, a.runId))?.outcome).toBe('cancelled');
    fs.writeFileSync(path.join(root, 'go'), '');
    expect((await host.done(b.runId))?.outcome).toBe('succeeded');
  });
});

describe('a new host takes over', () => {
  it('resumes the stopped run where it was and then starts the one that waited', async () => {
    const root = project('queue');
    const first = openHost(root);
    const a = await first.host.start({ pipeline: 'p', vars: { who: 'a' } });
    const b = await first.host.start({ pipeline: 'p' });
    // Stopped with its second stage running, as `miyabi down` stops a controller.
    await until(() => readRun(runDir(root, a.runId))?.stages.some((s) => s.name === 'second'), 'second stage running');
    await first.host.stop('the controller stopped (test)');
    expect(status(root, a.runId)).toBe('running'); // its host (this process) lives: not yet taken over
    first.journal.close();
    journals.splice(journals.indexOf(first.journal), 1);

    fs.writeFileSync(path.join(root, 'go'), '');
    const second = openHost(root);
    expect(second.host.recover().sort()).toEqual([a.runId, b.runId].sort());
    const ra = await second.host.done(a.runId);
    expect(ra).toMatchObject({ outcome: 'succeeded', resumes: 1, vars: { who: 'a' } });
    expect(ra?.stages.map((s) => `${s.name}:${s.outcome}`)).toEqual(['first:passed', 'second:stopped', 'second:passed']);
    expect((await second.host.done(b.runId))?.outcome).toBe('succeeded');
    // The finished stage of the first run ran once; the waiting run ran whole.
    expect(fs.readFileSync(path.join(root, 'marks'), 'utf8').trim().split('\n')).toEqual([a.runId, b.runId]);
  });

  it('marks a run interrupted when its pipeline no longer loads', async () => {
    const root = project('queue');
    const first = openHost(root);
    const a = await first.host.start({ pipeline: 'p' });
    await until(() => readRun(runDir(root, a.runId))?.stages.some((s) => s.name === 'second'), 'second stage running');
    await first.host.stop('stopped (test)');
    // One writer at a time, as the lock makes it.
    first.journal.close();
    journals.splice(journals.indexOf(first.journal), 1);
    write(root, 'pipelines/p.yaml', 'name: p\nstages: [oops\n');
    const second = openHost(root);
    second.host.recover();
    const r = readRun(runDir(root, a.runId));
    expect(r?.outcome).toBe('interrupted');
    expect(r?.reason).toMatch(/not resumed: .*p\.yaml/);
  });
});

describe('races', () => {
  it('a run cancelled while its host stops stays cancelled: the next host does not bring it back', async () => {
    const root = project('queue');
    const first = openHost(root);
    const a = await first.host.start({ pipeline: 'p' });
    await until(() => readRun(runDir(root, a.runId))?.stages.some((s) => s.name === 'second'), 'second stage running');
    const cancelled = first.host.cancel(a.runId);
    await first.host.stop('the controller stopped (test)');
    expect(await cancelled).toBe('cancelled');
    first.journal.close();
    journals.splice(journals.indexOf(first.journal), 1);
    const second = openHost(root);
    expect(second.host.recover()).toEqual([]);
    expect(readRun(runDir(root, a.runId))?.outcome).toBe('cancelled');
  });

  it('concurrency cancel: two starts at once while one runs leave exactly one run going', async () => {
    const root = project('cancel');
    const { host } = openHost(root);
    const a = await host.start({ pipeline: 'p' });
    const [b, c] = await Promise.all([host.start({ pipeline: 'p' }), host.start({ pipeline: 'p' })]);
    const live = [a, b, c].filter((r) => readRun(runDir(root, r.runId))?.outcome === undefined);
    expect(live).toHaveLength(1);
    expect(host.liveIds).toEqual([live[0]?.runId]);
    fs.writeFileSync(path.join(root, 'go'), '');
    expect((await host.done(live[0]!.runId))?.outcome).toBe('succeeded');
  });

  it('a waiting run cancelled never starts, and its followers hear it end', async () => {
    const root = project('queue');
    const { host, journal } = openHost(root);
    const seen: boolean[] = [];
    const a = await host.start({ pipeline: 'p' });
    const b = await host.start({ pipeline: 'p' });
    journal.onAppend((r) => seen.push(printRunRecord(b.runId, r, () => undefined)));
    expect(await host.cancel(b.runId)).toBe('cancelled');
    expect(seen).toContain(true);
    fs.writeFileSync(path.join(root, 'go'), '');
    await host.done(a.runId);
    expect(readRun(runDir(root, b.runId))).toMatchObject({ outcome: 'cancelled', stages: [] });
    expect(fs.readFileSync(path.join(root, 'marks'), 'utf8').trim().split('\n')).toEqual([a.runId]);
  });

  it('refuses a run id that is not one', async () => {
    const { host } = openHost(project('queue'));
    await expect(host.start({ pipeline: 'p', runId: '../../etc' })).rejects.toThrow(/is not a run id/);
    expect(() => host.resume('x')).toThrow(/is not a run id/);
  });
});

