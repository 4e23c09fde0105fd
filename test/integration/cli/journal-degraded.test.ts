/**
 * Issue #11, item 2 (F19), on a real controller, tmux server and file system: the journal stops
 * taking writes mid-run and comes back. `chattr +i` is what bites as root (chmod does not, and the
 * controller writes through a descriptor it opened long before): every write, and the cut-off
 * of a failed one, fail with EPERM, as on a file made immutable by another program.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pidAlive } from '../../../src/core/instance-lock.js';
import type { StatusResult } from '../../../src/ipc/protocol.js';
import { makeProject, until, type TestProject } from '../../helpers/project.js';
import { received, upReaders } from '../../helpers/readers.js';

function chattr(flag: '+i' | '-i', file: string): boolean {
  try {
    execFileSync('chattr', [flag, file], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Whether this machine's temp file system takes the immutable flag at all. */
const immutableWorks = (() => {
  const d = mkdtempSync(join(tmpdir(), 'miyabi-chattr-'));
  const f = join(d, 'f');
  writeFileSync(f, 'x');
  const ok = chattr('+i', f) && chattr('-i', f);
  rmSync(d, { recursive: true, force: true });
  return ok;
})();

let p: TestProject | undefined;
let locked: string | undefined;
afterEach(async () => {
  if (locked) chattr('-i', locked);
  locked = undefined;
  await p?.cleanup();
  p = undefined;
});

async function statusJson(t: TestProject): Promise<StatusResult> {
  const r = await t.miyabi(['status', '--json']);
  expect(r.exitCode, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as StatusResult;
}

describe('F19: a journal write that fails does not wedge the controller', () => {
  // Under load this once lost a `status`, a `doctor` or `inbox`'s ping: each failed reopen of the
  // poisoned file closed its old descriptor again, i.e. whichever connection had taken the number.
  // Every request must now be answered, each one saying degraded until the file takes writes.
  it('says why in status, doctor and inbox, and delivers the held message once the file takes writes, with no restart', async () => {
    p = makeProject('miyabi-f19');
    const t = p;
    const st = await upReaders(t, ['r1']);
    const journal = join(t.root, '.miyabi', 'journal', 'events.jsonl');
    expect(chattr('+i', journal)).toBe(true);
    locked = journal;

    const sent = await t.miyabi(['send', 'r1', 'held back']);
    expect(sent.exitCode, sent.stderr).toBe(0);
    const degraded = await until(async () => {
      const j = (await statusJson(t)).controller.journal;
      return j?.state === 'degraded' ? j : null;
    }, 'status to report the journal degraded');
    expect(degraded).toMatchObject({ file: journal, errno: 'EPERM' });
    expect(degraded.error).toContain('EPERM');
    expect(Date.parse(degraded.since ?? '')).not.toBeNaN();

    // Several rounds, across the retries' backoff (50 ms .. 2 s): the health never flickers.
    for (let round = 0; round < 2; round++) {
      expect((await statusJson(t)).controller.journal).toMatchObject({ state: 'degraded', since: degraded.since });
      const text = await t.miyabi(['status']);
      expect(text.stdout).toMatch(/journal +DEGRADED.*EPERM.*events\.jsonl/);
      const doctor = await t.miyabi(['doctor']);
      expect(doctor.exitCode, doctor.stdout).toBe(1);
      expect(doctor.stdout).toMatch(/fail +journal DEGRADED.*EPERM/);
      expect(doctor.stdout).not.toMatch(/did not answer/);
      const inbox = await t.miyabi(['inbox', 'r1']);
      expect(inbox.stdout).toContain('delivery held back: journal DEGRADED');
      expect(inbox.stdout).toMatch(/queued .*"held back" +\(waiting: journal degraded since .*EPERM/);
    }
    expect(received(t, 'r1')).toEqual([]);

    expect(chattr('-i', journal)).toBe(true);
    locked = undefined;
    await until(() => received(t, 'r1').length === 1, 'the held message delivered', 20_000);
    expect(received(t, 'r1')).toEqual(['held back']);
    expect((await statusJson(t)).controller).toMatchObject({ pid: st.controller.pid, journal: { state: 'ok', held: 0 } });
    expect((await t.miyabi(['status'])).stdout).not.toContain('journal ');

    // The journal reads back whole, in seq order, and says what happened.
    const records = readFileSync(journal, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { seq: number; type: string });
    expect(records.map((r) => r.seq)).toEqual(records.map((_, i) => records[0]!.seq + i));
    expect(records.map((r) => r.type)).toContain('journal.write-recovered');
    expect(records.map((r) => r.type)).toContain('message.delivered');
    // No unhandled rejection was logged while the journal refused writes.
    expect(readFileSync(join(t.root, '.miyabi', 'logs', 'controller.log'), 'utf8')).not.toMatch(/unhandled rejection|uncaught/);
  }, 90_000);

  it('up restarts a controller that holds the lock but does not answer, and adopts its session', async () => {
    p = makeProject('miyabi-f19');
    const st = await upReaders(p, ['r1']);
    const old = st.controller.pid;
    process.kill(old, 'SIGSTOP'); // alive, holding the lock and the socket, answering nothing
    try {
      const up = await p.miyabi(['up', '-l', 'readers.yaml', '--json']);
      expect(up.exitCode, up.stderr).toBe(0);
      expect(up.stderr).toContain(`controller pid ${old} `);
      const now = JSON.parse(up.stdout) as StatusResult & { started: boolean };
      expect(now.started).toBe(true);
      expect(now.controller.pid).not.toBe(old);
      expect(now.panes.map((x) => x.paneId)).toEqual(st.panes.map((x) => x.paneId));
      expect(pidAlive(old)).toBe(false);
    } finally {
      if (pidAlive(old)) process.kill(old, 'SIGKILL');
    }
  }, 90_000);
});
