/**
 * Issue #11, item 3 (B20), on a real controller and tmux server: 2,000 connections held on the
 * IPC socket — half idle, half trickling one byte at a time, each reconnecting as soon as it is
 * dropped — do not lock the CLI out: `status`, `send`, `doctor` and `down` are answered. The
 * times are printed, not asserted (figures belong in the bench).
 *
 * File descriptors: this process holds up to 2,000 sockets and the controller as many; the test
 * needs a soft limit of at least 4,500 (`ulimit -n`; 20,000 where it was written) and says so
 * rather than measuring a different thing. The controller caps its connections below its own
 * limit (controller/fd-budget.ts).
 */
import { execFileSync } from 'node:child_process';
import { createConnection, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pidAlive } from '../../../src/core/instance-lock.js';
import { makeProject, until, type TestProject } from '../../helpers/project.js';
import { received, upReaders } from '../../helpers/readers.js';

const HELD = 2000;

let p: TestProject | undefined;
let stopFlood: (() => void) | undefined;
afterEach(async () => {
  stopFlood?.();
  stopFlood = undefined;
  await p?.cleanup();
  p = undefined;
});

/** Holds `n` connections to `path`: even ones idle, odd ones sending a byte every 200 ms. */
function flood(path: string, n: number): { connects: () => number; stop: () => void } {
  let stopped = false;
  let connects = 0;
  const live = new Set<Socket>();
  const open = (trickle: boolean) => {
    if (stopped) return;
    const s = createConnection(path);
    live.add(s);
    let drip: NodeJS.Timeout | undefined;
    s.on('connect', () => {
      connects += 1;
      if (trickle) drip = setInterval(() => s.write('{'), 200);
    });
    s.on('error', () => undefined);
    s.on('close', () => {
      clearInterval(drip);
      live.delete(s);
      setTimeout(() => open(trickle), 100); // an attacker comes straight back
    });
  };
  for (let i = 0; i < n; i++) open(i % 2 === 1);
  return {
    connects: () => connects,
    stop: () => {
      stopped = true;
      for (const s of live) s.destroy();
    },
  };
}

async function timed<T>(what: string, f: () => Promise<T>, held = HELD): Promise<T> {
  const t0 = performance.now();
  const r = await f();
  console.log(`B20: ${what} answered in ${Math.round(performance.now() - t0)} ms with ${held} connections held`);
  return r;
}

describe('B20: a flood of connections does not lock everyone out', () => {
  it(`status, send, doctor and down are answered with ${HELD} connections held (idle and trickling)`, async () => {
    const limit = Number(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim());
    expect(limit, `this test needs ulimit -n of at least 4500 (is ${limit})`).toBeGreaterThanOrEqual(4500);
    p = makeProject('miyabi-b20');
    const t = p;
    const st = await upReaders(t, ['r1']);
    await timed('status, before the flood,', () => t.miyabi(['status']), 0);
    const f = flood(st.controller.ipcPath, HELD);
    stopFlood = f.stop;
    await until(() => f.connects() >= HELD, `${HELD} connections made`, 30_000);

    const status = await timed('status', () => t.miyabi(['status', '--json']));
    expect(status.exitCode, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ controller: { pid: st.controller.pid } });
    const send = await timed('send --wait', () => t.miyabi(['send', 'r1', 'through the flood', '--wait', '--timeout', '30']));
    expect(send.exitCode, send.stderr).toBe(0);
    expect(received(t, 'r1')).toEqual(['through the flood']);
    const doctor = await timed('doctor', () => t.miyabi(['doctor']));
    expect(doctor.stdout).toContain(`ok    controller pid ${st.controller.pid} answers`);
    const down = await timed('down', () => t.miyabi(['down']));
    expect(down.exitCode, down.stderr).toBe(0);
    await until(() => !pidAlive(st.controller.pid), 'the controller gone');
  }, 120_000);
});
