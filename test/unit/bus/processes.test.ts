/**
 * Real processes on one inbox: node writers (the built dist/bus/writer.js) killed at each named
 * failpoint (F2), and shell and node senders writing at the same time — every message arrives
 * once, and each sender's order is the scan order.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseId } from '../../../src/bus/ids.js';
import { ensureInbox } from '../../../src/bus/layout.js';
import { cleanStaleTmp, scanInbox } from '../../../src/bus/reader.js';
import { builtEntry } from '../../helpers/built-entry.js';
import { SEND_SH, ls, run, useBus } from './helpers.js';

const t = useBus();

const NODE_SENDER = `
const { writeMessage } = await import(process.env.BUS_WRITER);
const [bus, from, count] = process.argv.slice(1);
for (let i = 0; i < Number(count); i++) writeMessage(bus, { from, to: 'bob', text: from + ' ' + i });
`;

const SHELL_LOOP = `
i=0
while [ "$i" -lt "$COUNT" ]; do
  "$SH" "$SEND_SH" -f "$FROM" bob "$FROM $i" || exit 1
  i=$((i + 1))
done
`;

let writerUrl = '';
beforeAll(() => {
  writerUrl = pathToFileURL(builtEntry('bus/writer.js', ['bus', 'core'])).href; // may run tsc once
}, 180_000);

function env(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('MIYABI_')) out[k] = v;
  return { ...out, BUS_WRITER: writerUrl, ...extra };
}

function nodeSender(from: string, count: number, extra: NodeJS.ProcessEnv = {}) {
  return run(process.execPath, ['--input-type=module', '-e', NODE_SENDER, t.bus, from, String(count)], { env: env(extra) });
}

describe('senders in real processes', () => {
  it('a node sender killed at each failpoint leaves the documented state (F2)', async () => {
    for (const [fp, tmpCount, newCount] of [['afterTmpWrite', 1, 0], ['afterFsync', 1, 0], ['afterRename', 0, 1]] as const) {
      ensureInbox(t.bus, 'bob');
      const r = await nodeSender('alice', 1, { MIYABI_FAILPOINT: `bus.${fp}:exit` });
      expect(r.code, r.stderr).toBe(99);
      expect(ls(join(t.bus, 'bob', 'tmp')), fp).toHaveLength(tmpCount);
      expect(ls(join(t.bus, 'bob', 'new')), fp).toHaveLength(newCount);
      // A tmp file is never delivered and is cleaned later; a renamed one is a whole message.
      const { messages, quarantined } = scanInbox(t.bus, 'bob');
      expect(quarantined).toEqual([]);
      expect(messages.map((m) => m.text)).toEqual(newCount === 1 ? ['alice 0'] : []);
      expect(cleanStaleTmp(t.bus, 0, { now: Date.now() + 1 })).toHaveLength(tmpCount);
      await run('rm', ['-rf', join(t.bus, 'bob')]);
    }
  });

  it('4 shell loops and 4 node writers × 200 messages at once: all there, once each, in order per sender', async () => {
    ensureInbox(t.bus, 'bob');
    const N = 200;
    const shells = ['dash', 'bash', 'dash', 'bash'].map((sh, k) =>
      run(sh, ['-c', SHELL_LOOP], { env: env({ SH: sh, SEND_SH, FROM: `sh-${k}`, COUNT: String(N), MIYABI_BUS: t.bus }) }),
    );
    const nodes = [0, 1, 2, 3].map((k) => nodeSender(`node-${k}`, N));
    const results = await Promise.all([...shells, ...nodes]);
    for (const r of results) expect(r.code, r.stderr).toBe(0);

    expect(ls(join(t.bus, 'bob', 'tmp'))).toEqual([]);
    const { messages, quarantined } = scanInbox(t.bus, 'bob');
    expect(quarantined).toEqual([]);
    expect(messages).toHaveLength(8 * N);
    expect(new Set(messages.map((m) => m.id)).size).toBe(8 * N);
    expect(new Set(messages.map((m) => m.text)).size).toBe(8 * N);
    const bySender = new Map<string, number[]>();
    for (const m of messages) {
      const [from, i] = m.text.split(' ');
      expect(from).toBe(m.from);
      expect(parseId(m.id)?.sender).toBe(m.from);
      bySender.set(from!, [...(bySender.get(from!) ?? []), Number(i)]);
    }
    const inOrder = Array.from({ length: N }, (_, i) => i);
    for (const from of ['sh-0', 'sh-1', 'sh-2', 'sh-3', 'node-0', 'node-1', 'node-2', 'node-3']) {
      expect(bySender.get(from), from).toEqual(inOrder);
    }
  }, 180_000);
});
