import { describe, expect, it } from 'vitest';
import { type BusMessage, type ParseErrorCode, encodeMessage, parseMessage } from '../../../src/bus/format.js';

const ID = '1760000000123456789.alice.000042.31337';

function msg(over: Partial<BusMessage> = {}): BusMessage {
  return { id: ID, from: 'alice', to: 'bob', priority: 'normal', created: 1760000000123, flags: [], body: Buffer.from('hello'), ...over };
}

/** A valid file as text, with `edit` applied to its header lines (index 0 = magic). */
function file(edit: (lines: string[]) => void, body = 'hello'): Buffer {
  const lines = [
    'miyabi-message 1',
    `id: ${ID}`,
    'from: alice',
    'to: bob',
    'priority: normal',
    'created: 1760000000123',
    `length: ${Buffer.byteLength(body)}`,
  ];
  edit(lines);
  return Buffer.concat([Buffer.from(`${lines.join('\n')}\n\n`), Buffer.from(body)]);
}

describe('encodeMessage / parseMessage', () => {
  it('writes the documented layout', () => {
    const text = encodeMessage(msg({ flags: ['raw', 'now'], priority: 'high' })).toString();
    expect(text).toBe(
      `miyabi-message 1\nid: ${ID}\nfrom: alice\nto: bob\npriority: high\ncreated: 1760000000123\nflags: raw,now\nlength: 5\n\nhello`,
    );
  });

  it.each([
    ['plain', 'hello'],
    ['multi-line with trailing newline', 'line 1\nline 2\n\tindented\n'],
    ['leading blank lines', '\n\nafter two newlines'],
    ['emoji and RTL', '🎉👩‍💻 שלום עולם مرحبا'],
    ['shell syntax', `$(rm -rf /) \`id\` ; a && b | c \\ "q" 'q' %s %%`],
    ['looks like a header', 'miyabi-message 1\nid: x\n\nlength: 3'],
  ])('round-trips %s byte-exact', (_name, body) => {
    const m = msg({ body: Buffer.from(body), priority: 'low' });
    const r = parseMessage(encodeMessage(m), ID);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.message.body.equals(m.body)).toBe(true);
    expect(r.message.text).toBe(body);
    expect(r.message).toMatchObject({ id: ID, from: 'alice', to: 'bob', priority: 'low', created: 1760000000123, flags: [] });
  });

  it('raw bodies may hold control characters and bytes that are not UTF-8, never NUL', () => {
    const body = Buffer.from([0x1b, 0x5b, 0x41, 0xff, 0x0d]);
    const r = parseMessage(encodeMessage(msg({ body, flags: ['raw'] })), ID);
    expect(r.ok && r.message.body.equals(body)).toBe(true);
    const nul = parseMessage(encodeMessage(msg({ body: Buffer.from('a\0b'), flags: ['raw'] })), ID);
    expect(nul).toMatchObject({ ok: false, code: 'nul' });
  });

  const bad: [string, Buffer, ParseErrorCode, RegExp][] = [
    ['an empty file', Buffer.alloc(0), 'no-header-end', /empty/],
    ['no blank line', Buffer.from(`miyabi-message 1\nid: ${ID}\nfrom: alice`), 'no-header-end', /no blank line/],
    ['JSON', Buffer.from('{"type":"message","text":"hi"}\n\n'), 'magic', /first line/],
    ['another magic', file((l) => (l[0] = 'hello 1')), 'magic', /not "miyabi-message 1"/],
    ['a newer version', file((l) => (l[0] = 'miyabi-message 2')), 'version', /version 2/],
    ['a line without ": "', file((l) => (l[3] = 'to=bob')), 'header-syntax', /line 4/],
    ['a non-ASCII header byte', file((l) => (l[3] = 'to: böb')), 'header-syntax', /printable ASCII/],
    ['an unknown header', file((l) => l.splice(2, 0, 'color: red')), 'unknown-header', /"color"/],
    ['a duplicate header', file((l) => l.splice(2, 0, 'from: alice')), 'duplicate-header', /"from" appears twice/],
    ['a missing header', file((l) => l.splice(4, 1)), 'missing-header', /priority/],
    ['a bad id', file((l) => (l[1] = 'id: ../../etc/passwd')), 'bad-id', /is not <19-digit time>/],
    ['a bad recipient', file((l) => (l[3] = 'to: ../x')), 'bad-name', /recipient "..\/x"/],
    ['a sender that is not the id\'s', file((l) => (l[2] = 'from: mallory')), 'sender-mismatch', /mallory/],
    ['a bad priority', file((l) => (l[4] = 'priority: urgent')), 'bad-priority', /urgent/],
    ['a bad created', file((l) => (l[5] = 'created: -5')), 'bad-created', /-5/],
    ['bad flags', file((l) => l.splice(6, 0, 'flags: raw,,now')), 'bad-flags', /raw,,now/],
    ['duplicate flags', file((l) => l.splice(6, 0, 'flags: now,now')), 'bad-flags', /distinct/],
    ['a bad length', file((l) => (l[6] = 'length: 5 bytes')), 'bad-length', /5 bytes/],
    ['a length over the cap', file((l) => (l[6] = 'length: 70000')), 'too-big', /over the limit of 65536/],
    ['a truncated body', file((l) => (l[6] = 'length: 20')), 'truncated', /5 of its 20 bytes/],
    ['bytes after the body', file((l) => (l[6] = 'length: 5'), 'hello\n'), 'trailing-bytes', /6 bytes but length says 5/],
    ['an empty body', file(() => {}, ''), 'empty', /is empty/],
    ['a NUL in the body', file(() => {}, 'a\0b'), 'nul', /NUL byte at byte 1/],
    ['ESC without raw', file(() => {}, 'ok\n\x1b[2J'), 'control', /ESC \(0x1b, Ctrl-\[\) at byte 3 \(line 2\)/],
    ['CR without raw', file(() => {}, 'a\r\n'), 'control', /CR \(0x0d, Ctrl-M\)/],
    ['a C1 control', file(() => {}, 'a\u009bb'), 'control', /U\+009B \(a C1 control\)/],
  ];
  it.each(bad)('refuses %s', (_name, buf, code, reason) => {
    const r = parseMessage(buf, ID);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.code).toBe(code);
    expect(r.reason).toMatch(reason);
  });

  it('refuses a body that is not UTF-8, a trailing-bytes case built by hand, and an id that is not the file name', () => {
    const nonUtf8 = Buffer.concat([file((l) => (l[6] = 'length: 3'), ''), Buffer.from([0x61, 0xc3, 0x28])]);
    expect(parseMessage(nonUtf8, ID)).toMatchObject({ ok: false, code: 'utf8', reason: expect.stringMatching(/byte 0xc3 at byte 1/) });
    const extra = Buffer.concat([encodeMessage(msg()), Buffer.from('\n')]);
    expect(parseMessage(extra, ID)).toMatchObject({ ok: false, code: 'trailing-bytes' });
    expect(parseMessage(encodeMessage(msg()), `${ID}x`)).toMatchObject({ ok: false, code: 'id-mismatch' });
  });

  it('checks the inbox it was found in and a custom size cap', () => {
    expect(parseMessage(encodeMessage(msg()), ID, { inbox: 'carol' })).toMatchObject({ ok: false, code: 'wrong-inbox' });
    expect(parseMessage(encodeMessage(msg()), ID, { inbox: 'bob' }).ok).toBe(true);
    expect(parseMessage(encodeMessage(msg()), ID, { maxBodyBytes: 4 })).toMatchObject({ ok: false, code: 'too-big' });
  });
});
