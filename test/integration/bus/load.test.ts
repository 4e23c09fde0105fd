import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { makeProject, pidAlive, until, type TestProject } from '../../helpers/project.js';
import { received, upReaders } from '../../helpers/readers.js';

/**
 * Four concurrent shell writers, half through scripts/miyabi-send.sh and half through
 * `miyabi send`, with the controller SIGKILLed mid-run and started again. CI runs 150 messages
 * per writer; MIYABI_LOAD_N=2500 runs the full 10,000 (see README, "Measured").
 */
const N = Number(process.env.MIYABI_LOAD_N ?? 150);
const WRITERS = 4;
const ROOT = join(import.meta.dirname, '..', '..', '..');

let p: TestProject;
afterAll(async () => p?.cleanup());

function delivered(t: TestProject): number {
  try {
    return readdirSync(join(t.root, '.miyabi', 'bus', 'r1', 'cur')).length;
  } catch {
    return 0;
  }
}

describe(`bus under load: ${WRITERS} writers × ${N} messages, controller killed mid-run`, () => {
  it('delivers every message exactly once, each writer in order', async () => {
    p = makeProject();
    const st = await upReaders(p, ['r1'], '        messages: {batch: true}\n');
    const env = { ...process.env, MIYABI_TMUX_SOCKET: p.tmux.socket, MIYABI_BUS_INBOX_CAP: String(WRITERS * N + 10) };
    const writer = (k: number) => {
      const send =
        k % 2 === 0
          ? `sh ${JSON.stringify(join(ROOT, 'scripts', 'miyabi-send.sh'))} -f w${k} r1 "w${k}-$i"`
          : `node ${JSON.stringify(join(ROOT, 'bin', 'miyabi.js'))} send r1 --from w${k} "w${k}-$i" > /dev/null`;
      return execa('sh', ['-c', `i=1; while [ $i -le ${N} ]; do ${send} || exit 1; i=$((i+1)); done`], { cwd: p.root, env, reject: false });
    };
    const writers = Array.from({ length: WRITERS }, (_, k) => writer(k));

    const total = WRITERS * N;
    await until(() => delivered(p) >= total / 4, 'a quarter to be delivered', 120_000);
    process.kill(st.controller.pid, 'SIGKILL');
    await until(() => !pidAlive(st.controller.pid), 'the controller to die');
    const up = await p.miyabi(['up', '-l', 'readers.yaml', '--detach'], { env: { MIYABI_BUS_INBOX_CAP: String(total + 10) } });
    expect(up.exitCode).toBe(0);

    const results = await Promise.all(writers);
    for (const r of results) expect(r.exitCode, r.stderr).toBe(0);
    await until(() => delivered(p) >= total, 'every message to be delivered', 300_000);

    const lines = received(p, 'r1').flatMap((rec) => rec.split('\n'));
    const counts = new Map<string, number>();
    for (const l of lines) counts.set(l, (counts.get(l) ?? 0) + 1);
    const twice = [...counts].filter(([, c]) => c > 1).map(([l]) => l);
    expect(twice).toEqual([]);
    expect(counts.size).toBe(total);
    for (let k = 0; k < WRITERS; k++) {
      const seq = lines.filter((l) => l.startsWith(`w${k}-`)).map((l) => Number(l.slice(`w${k}-`.length)));
      expect(seq).toEqual(Array.from({ length: N }, (_, i) => i + 1));
    }
    expect(readdirSync(join(p.root, '.miyabi', 'bus', 'r1', 'new'))).toEqual([]);
  }, 60_000 + N * 400);
});
