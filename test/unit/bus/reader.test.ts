/**
 * The controller's side: scan order, B11 junk quarantine with reasons, markDelivered, cur/,
 * readMessage, stale tmp cleaning, and the list of recipients.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, mkdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeMessage } from '../../../src/bus/format.js';
import { formatId } from '../../../src/bus/ids.js';
import { ensureInbox } from '../../../src/bus/layout.js';
import { cleanStaleTmp, listCur, markDelivered, readMessage, recipients, scanInbox } from '../../../src/bus/reader.js';
import { writeMessage } from '../../../src/bus/writer.js';
import { MiyabiError } from '../../../src/core/errors.js';
import { ls, useBus } from './helpers.js';

const t = useBus();
const newDir = () => join(t.bus, 'bob', 'new');

function junkFile(name: string, content: string | Buffer): void {
  writeFileSync(join(newDir(), name), content);
}

describe('scanInbox', () => {
  it('returns pending messages by priority, then id', () => {
    ensureInbox(t.bus, 'bob');
    const sent = [
      ['alice', 'low', 'l1'],
      ['carol', 'normal', 'n1'],
      ['alice', 'high', 'h1'],
      ['alice', 'normal', 'n2'],
      ['carol', 'high', 'h2'],
      ['alice', 'low', 'l2'],
    ] as const;
    for (const [from, priority, text] of sent) writeMessage(t.bus, { from, to: 'bob', text, priority });
    const { messages, quarantined } = scanInbox(t.bus, 'bob');
    expect(quarantined).toEqual([]);
    expect(messages.map((m) => m.text)).toEqual(['h1', 'h2', 'n1', 'n2', 'l1', 'l2']);
  });

  it('quarantines junk with a reason each and still returns the good messages in order (B11)', () => {
    ensureInbox(t.bus, 'bob');
    const good = [1, 2, 3].map((i) => writeMessage(t.bus, { from: 'alice', to: 'bob', text: `good ${i}` }).id);
    const outside = join(t.root, 'outside');
    writeFileSync(outside, readFileSync(join(newDir(), good[0]!)));
    const forged = formatId({ timeNs: 1_760_000_000_000_000_000n, sender: 'eve', seq: 0, pid: 1 });
    junkFile('.hidden', 'x');
    junkFile(`.${good[1]}`, readFileSync(join(newDir(), good[1]!)));
    junkFile('zero', '');
    junkFile('garbage', Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x0a, 0x0a, 0x00]));
    junkFile('1760000000000000000.x.000000.1', '{"from":"x","to":"bob","text":"hi"}\n');
    junkFile(forged, encodeMessage({ id: forged, from: 'eve', to: 'carol', priority: 'high', created: 1, flags: [], body: Buffer.from('wrong inbox') }));
    junkFile('oversize', Buffer.alloc(64 * 1024 + 4096 + 3, 0x61));
    symlinkSync(outside, join(newDir(), 'link-to-message'));
    symlinkSync(join(t.root, 'nowhere'), join(newDir(), 'dangling'));
    mkdirSync(join(newDir(), 'a-folder'));
    execFileSync('mkfifo', [join(newDir(), 'fifo')]);

    const { messages, quarantined } = scanInbox(t.bus, 'bob');
    expect(messages.map((m) => m.text)).toEqual(['good 1', 'good 2', 'good 3']);
    const codes = Object.fromEntries(quarantined.map((q) => [q.name, q.code]));
    expect(codes).toEqual({
      '.hidden': 'dotfile',
      [`.${good[1]}`]: 'dotfile',
      zero: 'empty-file',
      garbage: 'header-syntax',
      '1760000000000000000.x.000000.1': 'no-header-end',
      [forged]: 'wrong-inbox',
      oversize: 'oversize',
      'link-to-message': 'symlink',
      dangling: 'symlink',
      'a-folder': 'not-regular',
      fifo: 'not-regular',
    });
    expect(ls(newDir())).toEqual([...good].sort());
    for (const q of quarantined) {
      expect(q.movedTo).toBe(join(t.bus, 'bob', 'quarantine', q.name));
      const reason = JSON.parse(readFileSync(`${q.movedTo}.reason`, 'utf8'));
      expect(reason).toMatchObject({ name: q.name, code: q.code, reason: q.reason, from: join(newDir(), q.name) });
      expect(q.reason.length).toBeGreaterThan(5);
    }
    expect(readFileSync(outside).length).toBeGreaterThan(0); // the link was moved, not its target
    // Nothing is quarantined twice; junk with a name already in quarantine gets a fresh name.
    junkFile('zero', '');
    const again = scanInbox(t.bus, 'bob');
    expect(again.messages).toHaveLength(3);
    expect(again.quarantined.map((q) => q.code)).toEqual(['empty-file']);
    expect(again.quarantined[0]!.movedTo).toMatch(/quarantine\/zero\.\d+-\d+-\d+$/);
  });

  it('quarantines files owned by another user', () => {
    ensureInbox(t.bus, 'bob');
    const { id } = writeMessage(t.bus, { from: 'alice', to: 'bob', text: 'mine' });
    const pretend = scanInbox(t.bus, 'bob', { uid: 12345 }); // as if we were someone else
    expect(pretend.quarantined).toMatchObject([{ name: id, code: 'foreign-owner', reason: expect.stringMatching(/not by uid 12345/) }]);
    if (process.getuid?.() === 0) {
      const other = writeMessage(t.bus, { from: 'alice', to: 'bob', text: 'theirs' });
      chownSync(other.path, 12345, 12345);
      const r = scanInbox(t.bus, 'bob');
      expect(r.quarantined).toMatchObject([{ name: other.id, code: 'foreign-owner' }]);
    }
  });

  it('returns nothing for an inbox that does not exist', () => {
    expect(scanInbox(t.bus, 'nobody')).toEqual({ messages: [], quarantined: [] });
  });
});

describe('markDelivered, listCur, readMessage', () => {
  it('moves new/<id> to cur/<id>:2,D or :2,F and finds it there', () => {
    ensureInbox(t.bus, 'bob');
    const a = writeMessage(t.bus, { from: 'alice', to: 'bob', text: 'a' }).id;
    const b = writeMessage(t.bus, { from: 'alice', to: 'bob', text: 'b' }).id;
    const c = writeMessage(t.bus, { from: 'alice', to: 'bob', text: 'c' }).id;
    expect(markDelivered(t.bus, 'bob', a, 'D')).toBe(join(t.bus, 'bob', 'cur', `${a}:2,D`));
    markDelivered(t.bus, 'bob', b, 'F');
    expect(ls(newDir())).toEqual([c]);
    expect(listCur(t.bus, 'bob')).toEqual([
      { id: a, outcome: 'delivered', name: `${a}:2,D` },
      { id: b, outcome: 'failed', name: `${b}:2,F` },
    ]);
    expect(readMessage(t.bus, 'bob', a)).toMatchObject({ state: 'delivered', message: { text: 'a' } });
    expect(readMessage(t.bus, 'bob', b)).toMatchObject({ state: 'failed', message: { text: 'b' } });
    expect(readMessage(t.bus, 'bob', c)).toMatchObject({ state: 'pending', message: { text: 'c' } });
    expect(readMessage(t.bus, 'bob', formatId({ timeNs: 1_760_000_000_000_000_000n, sender: 'x', seq: 0, pid: 1 }))).toBeNull();
    expect(scanInbox(t.bus, 'bob').messages.map((m) => m.id)).toEqual([c]);
  });

  it('says NOT_FOUND for a message no longer pending, and refuses what is not an id', () => {
    ensureInbox(t.bus, 'bob');
    const a = writeMessage(t.bus, { from: 'alice', to: 'bob', text: 'a' }).id;
    markDelivered(t.bus, 'bob', a, 'D');
    expect(() => markDelivered(t.bus, 'bob', a, 'D')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    for (const bad of ['../../x', '.x', `${a}/..`]) {
      expect(() => markDelivered(t.bus, 'bob', bad, 'D')).toThrow(MiyabiError);
      expect(() => readMessage(t.bus, 'bob', bad)).toThrow(/is not a message id/);
    }
  });
});

describe('cleanStaleTmp and recipients', () => {
  it('removes tmp files older than the limit and keeps fresh ones', () => {
    ensureInbox(t.bus, 'bob');
    ensureInbox(t.bus, 'carol');
    const old = join(t.bus, 'bob', 'tmp', 'dead-sender');
    const fresh = join(t.bus, 'carol', 'tmp', 'live-sender');
    writeFileSync(old, 'half a mess');
    writeFileSync(fresh, 'in progress');
    const past = new Date(Date.now() - 2 * 3600_000);
    utimesSync(old, past, past);
    expect(cleanStaleTmp(t.bus, 3600_000)).toEqual([old]);
    expect(ls(join(t.bus, 'carol', 'tmp'))).toEqual(['live-sender']);
    expect(cleanStaleTmp(join(t.root, 'no-bus'), 0)).toEqual([]);
  });

  it('lists the real inbox folders with valid names', () => {
    ensureInbox(t.bus, 'bob');
    ensureInbox(t.bus, 'alice');
    mkdirSync(join(t.bus, 'Not-A-Name'));
    writeFileSync(join(t.bus, 'file'), '');
    symlinkSync(join(t.bus, 'bob'), join(t.bus, 'linked'));
    expect(recipients(t.bus)).toEqual(['alice', 'bob']);
    expect(recipients(join(t.root, 'missing'))).toEqual([]);
  });
});
