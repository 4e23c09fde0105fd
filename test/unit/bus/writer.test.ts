/**
 * The sender: the happy path, bad input, the inbox cap, and F6/F7 — the FsPort fails op N for
 * every N until the send completes; each failure is a clear IO error with nothing left behind.
 */
import { readFileSync, rmSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../../src/bus/format.js';
import { IdGenerator, formatId, parseId } from '../../../src/bus/ids.js';
import { ensureInbox } from '../../../src/bus/layout.js';
import { markDelivered, scanInbox } from '../../../src/bus/reader.js';
import { writeMessage } from '../../../src/bus/writer.js';
import { MiyabiError } from '../../../src/core/errors.js';
import { FaultyFs } from '../../../src/core/faulty-fs.js';
import { ls, useBus } from './helpers.js';

const t = useBus();

function thrown(fn: () => unknown): MiyabiError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(MiyabiError);
    return e as MiyabiError;
  }
  throw new Error('did not throw');
}

describe('writeMessage', () => {
  it('writes new/<id> (0600) that parses back byte-exact, and leaves tmp/ empty', () => {
    ensureInbox(t.bus, 'bob');
    const text = 'hello $(x) `y` ; \\ 🎉 שלום\nsecond line';
    const r = writeMessage(t.bus, { from: 'alice', to: 'bob', text, priority: 'high', flags: ['now'] });
    expect(r.path).toBe(join(t.bus, 'bob', 'new', r.id));
    expect(statSync(r.path).mode & 0o777).toBe(0o600);
    expect(ls(join(t.bus, 'bob', 'tmp'))).toEqual([]);
    const p = parseMessage(readFileSync(r.path), r.id, { inbox: 'bob' });
    expect(p.ok && p.message).toMatchObject({ from: 'alice', to: 'bob', priority: 'high', flags: ['now'], text });
    expect(readFileSync(r.path).length).toBe(r.bytes);
  });

  it('creates the inbox folders (0700) only when asked, and repairs a missing one', () => {
    writeMessage(t.bus, { from: 'a', to: 'bob', text: 'x' }, { create: true });
    for (const d of ['tmp', 'new', 'cur']) expect(statSync(join(t.bus, 'bob', d)).mode & 0o777).toBe(0o700);
    ensureInbox(t.bus, 'carol');
    for (const d of ['new', 'tmp']) {
      rmdirSync(join(t.bus, 'carol', d));
      writeMessage(t.bus, { from: 'a', to: 'carol', text: 'x' });
    }
    expect(ls(join(t.bus, 'carol', 'new'))).toHaveLength(2);
  });

  it('refuses an unknown recipient with NOT_FOUND (exit 2) naming the known ones', () => {
    ensureInbox(t.bus, 'bob');
    ensureInbox(t.bus, 'alice');
    const e = thrown(() => writeMessage(t.bus, { from: 'a', to: 'carol', text: 'x' }));
    expect(e.code).toBe('NOT_FOUND');
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe('unknown recipient "carol"; known: alice, bob');
    expect(ls(t.bus)).toEqual(['alice', 'bob']);
  });

  it.each(['../x', 'a/b', '.hidden', '..', 'Bob'])('refuses the recipient %j before touching the disk', (to) => {
    const e = thrown(() => writeMessage(t.bus, { from: 'a', to, text: 'x' }, { create: true }));
    expect(e.code).toBe('NAME');
    expect(e.exitCode).toBe(2);
    expect(ls(t.root)).toEqual([]);
  });

  it.each([
    ['', /is empty/],
    ['x'.repeat(64 * 1024 + 1), /65537 bytes, over the limit of 65536/],
    ['a\0b', /NUL byte/],
    ['\x1b]0;pwned\x07', /ESC \(0x1b, Ctrl-\[\) at byte 0/],
  ])('refuses bad text (USAGE, exit 2): %#', (text, msg) => {
    ensureInbox(t.bus, 'bob');
    const e = thrown(() => writeMessage(t.bus, { from: 'a', to: 'bob', text }));
    expect([e.code, e.exitCode]).toEqual(['USAGE', 2]);
    expect(e.message).toMatch(msg);
    expect(ls(join(t.bus, 'bob', 'new'))).toEqual([]);
  });

  it('sends control characters with raw, and bytes from standard input as they are', () => {
    ensureInbox(t.bus, 'bob');
    const r = writeMessage(t.bus, { from: 'a', to: 'bob', text: '\x1b[1mbold\x1b[0m', raw: true });
    const p = parseMessage(readFileSync(r.path), r.id);
    expect(p.ok && p.message.flags).toEqual(['raw']);
    const bytes = Buffer.from('bytes\n\t✓');
    const r2 = writeMessage(t.bus, { from: 'a', to: 'bob', text: bytes }, { maxBodyBytes: 100 });
    const p2 = parseMessage(readFileSync(r2.path), r2.id);
    expect(p2.ok && p2.message.body.equals(bytes)).toBe(true);
  });

  it('refuses a full inbox with BUS_FULL (exit 1) and takes messages again once one is delivered', () => {
    ensureInbox(t.bus, 'bob');
    const ids = [1, 2, 3].map((i) => writeMessage(t.bus, { from: 'a', to: 'bob', text: `m${i}` }, { inboxCap: 3 }).id);
    const e = thrown(() => writeMessage(t.bus, { from: 'a', to: 'bob', text: 'm4' }, { inboxCap: 3 }));
    expect([e.code, e.exitCode]).toEqual(['BUS_FULL', 1]);
    expect(e.message).toBe(`inbox of bob is full: 3 messages are waiting in ${join(t.bus, 'bob', 'new')} (limit 3)`);
    expect(e.hint).toMatch(/MIYABI_BUS_INBOX_CAP/);
    expect(ls(join(t.bus, 'bob', 'tmp'))).toEqual([]);
    markDelivered(t.bus, 'bob', ids[0]!, 'D');
    writeMessage(t.bus, { from: 'a', to: 'bob', text: 'm4' }, { inboxCap: 3 });
  });

  it('keeps one sender\'s order across generators when the clock stepped back (B14)', () => {
    ensureInbox(t.bus, 'bob');
    const T0 = 1_760_000_000_000_000_000n;
    // An earlier process wrote with a clock an hour ahead; ours is behind and pinned.
    const ahead = formatId({ timeNs: T0 + 3_600_000_000_000n, sender: 'a', seq: 0, pid: 1 });
    writeMessage(t.bus, { from: 'a', to: 'bob', text: 'first' }, { ids: new IdGenerator({ clock: () => T0 + 3_600_000_000_000n, pid: 1 }) });
    const stuck = () => T0;
    const later = [new IdGenerator({ clock: stuck, pid: 1 }), new IdGenerator({ clock: stuck, pid: 1 })];
    for (let i = 0; i < 6; i++) writeMessage(t.bus, { from: 'a', to: 'bob', text: `next ${i}` }, { ids: later[i % 2] });
    const { messages } = scanInbox(t.bus, 'bob');
    expect(messages.map((m) => m.text)).toEqual(['first', ...[0, 1, 2, 3, 4, 5].map((i) => `next ${i}`)]);
    expect(messages[0]!.id).toBe(ahead);
    expect(parseId(messages[1]!.id)!.timeNs).toBe(T0 + 3_600_000_000_001n);
  });

  it('retries with the next id when the tmp name is taken (O_EXCL)', () => {
    ensureInbox(t.bus, 'bob');
    const ids = new IdGenerator({ clock: () => 1_760_000_000_000_000_000n, pid: 9 });
    const taken = formatId({ timeNs: 1_760_000_000_000_000_000n, sender: 'a', seq: 0, pid: 9 });
    writeFileSync(join(t.bus, 'bob', 'tmp', taken), 'a dying sender');
    const r = writeMessage(t.bus, { from: 'a', to: 'bob', text: 'x' }, { ids });
    expect(r.id).toBe('1760000000000000001.a.000001.9');
  });
});

describe('writeMessage under I/O faults (F6, F7)', () => {
  function loop(persistent: boolean): number {
    let completedAt = 0;
    for (let n = 1; n < 200 && completedAt === 0; n++) {
      ensureInbox(t.bus, 'bob');
      const fs = new FaultyFs(undefined, { failAt: n, persistent, partialWrites: true });
      const ctx = `op ${n}`;
      let err: unknown = null;
      try {
        writeMessage(t.bus, { from: 'a', to: 'bob', text: `message ${n} `.repeat(50) }, { fs });
      } catch (e) {
        err = e;
      }
      expect(fs.openFds.size, `${ctx}: leaked ${[...fs.openFds.values()]}`).toBe(0);
      const inNew = ls(join(t.bus, 'bob', 'new'));
      const inTmp = ls(join(t.bus, 'bob', 'tmp'));
      if (!fs.fired) {
        expect(err, ctx).toBeNull();
        expect(inNew, ctx).toHaveLength(1);
        completedAt = n;
      } else {
        const e = err as MiyabiError;
        expect(e, ctx).toBeInstanceOf(MiyabiError);
        expect(e.code, `${ctx}: ${e.message}`).toBe('IO');
        expect(e.message, ctx).toContain(join(t.bus, 'bob'));
        // `reading` is the look for bob/stopped (a killed agent takes no messages).
        expect(e.message, ctx).toMatch(/^bus: (listing|reading|sending to bob: (creating|writing|fsync of|closing|renaming|fsync of folder)) .* failed: EIO: injected fault/);
        if (!persistent) {
          expect(inNew, `${ctx}: ${fs.log.join('; ')}`).toEqual([]);
          expect(inTmp, ctx).toEqual([]);
        } else {
          // A disk that stays broken cannot even undo: whatever is left must be whole or in tmp/ only.
          for (const name of inNew) expect(parseMessage(readFileSync(join(t.bus, 'bob', 'new', name)), name).ok, ctx).toBe(true);
        }
      }
      rmSync(join(t.bus, 'bob'), { recursive: true, force: true });
    }
    return completedAt;
  }

  it('fails op N for every N until the send completes: a clear error each time, nothing left behind', () => {
    expect(loop(false)).toBeGreaterThan(6);
  });

  it('the same with a disk that stays broken from op N on', () => {
    expect(loop(true)).toBeGreaterThan(6);
  });

  it('ENOSPC mid-write: exits with the reason and leaves nothing in tmp/ or new/ (F7)', () => {
    ensureInbox(t.bus, 'bob');
    const fs = new FaultyFs(undefined, { failAt: 1, only: ['writeSync'], code: 'ENOSPC', partialWrites: true });
    const e = thrown(() => writeMessage(t.bus, { from: 'a', to: 'bob', text: 'x'.repeat(4000) }, { fs }));
    expect(e.code).toBe('IO');
    expect(e.detail).toMatchObject({ errno: 'ENOSPC' });
    expect(e.message).toMatch(/^bus: sending to bob: writing .*\/bob\/tmp\/\d{19}\.a\.\d{6}\.\d+ failed: ENOSPC/);
    expect(e.hint).toMatch(/free some disk space/);
    expect(ls(join(t.bus, 'bob', 'tmp'))).toEqual([]);
    expect(ls(join(t.bus, 'bob', 'new'))).toEqual([]);
  });

  it('EDQUOT at the fsync, and EIO at the folder fsync after the rename, undo the send', () => {
    ensureInbox(t.bus, 'bob');
    const quota = new FaultyFs(undefined, { failAt: 1, only: ['fsyncSync'], code: 'EDQUOT' });
    expect(thrown(() => writeMessage(t.bus, { from: 'a', to: 'bob', text: 'x' }, { fs: quota })).detail).toMatchObject({ errno: 'EDQUOT' });
    const dirSync = new FaultyFs(undefined, { failAt: 2, only: ['fsyncSync'] });
    const e = thrown(() => writeMessage(t.bus, { from: 'a', to: 'bob', text: 'x' }, { fs: dirSync }));
    expect(e.message).toMatch(/fsync of folder .*\/bob\/new failed/);
    expect([...ls(join(t.bus, 'bob', 'tmp')), ...ls(join(t.bus, 'bob', 'new'))]).toEqual([]);
  });
});
