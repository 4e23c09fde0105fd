import { describe, expect, it } from 'vitest';
import { MiyabiError } from '../../../src/core/errors.js';
import { bodyProblem, busLimits, checkBody, checkName, describeControl, textBytes } from '../../../src/bus/validate.js';

function thrown(fn: () => void): MiyabiError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(MiyabiError);
    return e as MiyabiError;
  }
  throw new Error('did not throw');
}

describe('send-side checks', () => {
  it.each(['../x', 'a/b', '.hidden', '', 'Bob', '-x', 'a'.repeat(33), 'a b', 'a\nb'])('refuses the name %j (NAME, exit 2)', (name) => {
    const e = thrown(() => checkName('recipient', name));
    expect(e.code).toBe('NAME');
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(/^recipient /);
  });

  it('accepts agent names', () => {
    for (const n of ['a', 'agent-1', 'conductor', 'x_y', 'a'.repeat(32)]) checkName('recipient', n);
  });

  it('says what and where', () => {
    const e = thrown(() => checkBody(Buffer.from('first\nsecond \x1b[31m'), false));
    expect(e.code).toBe('USAGE');
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe('message text contains the control character ESC (0x1b, Ctrl-[) at byte 13 (line 2)');
    expect(e.hint).toMatch(/--raw/);
    expect(e.detail).toMatchObject({ problem: 'control', offset: 13 });
  });

  it('refuses the bracketed-paste end sequence even with --raw (exit 2), and other raw escapes not', () => {
    const e = thrown(() => checkBody(Buffer.from('before\n\x1b[201~after'), true));
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe('message text contains the bracketed-paste end sequence ESC [201~ at byte 7 (line 2)');
    expect(e.detail).toMatchObject({ problem: 'paste-end', offset: 7 });
    checkBody(Buffer.from('colour \x1b[31mred\x1b[0m and \x1b[200~'), true);
  });

  it.each([
    ['', 'empty', /is empty/],
    ['x'.repeat(65 * 1024), 'too-big', /66560 bytes, over the limit of 65536/],
    ['a\0', 'nul', /NUL byte at byte 1/],
    ['bell\x07', 'control', /BEL \(0x07, Ctrl-G\) at byte 4/],
    ['crlf\r\n', 'control', /CR \(0x0d, Ctrl-M\)/],
    ['del\x7f', 'control', /DEL \(0x7f\)/],
    ['c1 \u0085', 'control', /U\+0085 \(a C1 control\) at byte 3/],
  ])('refuses %j (%s)', (text, code, msg) => {
    const p = bodyProblem(Buffer.from(text), false);
    expect(p?.code).toBe(code);
    expect(p?.text).toMatch(msg);
  });

  it.each([
    [[0xff], 'a lone 0xff'],
    [[0xc0, 0xaf], 'an overlong slash'],
    [[0xed, 0xa0, 0x80], 'a UTF-16 surrogate'],
    [[0xf4, 0x90, 0x80, 0x80], 'above U+10FFFF'],
    [[0xe2, 0x82], 'a cut-short character'],
  ])('refuses invalid UTF-8: %j (%s)', (bytes) => {
    expect(bodyProblem(Buffer.from([0x41, ...bytes]), false)).toMatchObject({ code: 'utf8', offset: 1 });
    expect(bodyProblem(Buffer.from([0x41, ...bytes]), true)).toBeNull(); // --raw sends bytes as they are
  });

  it('accepts text with newlines, tabs, emoji, RTL and combining marks', () => {
    expect(bodyProblem(Buffer.from('a\tb\nc 🎉👩‍💻 שלום مرحبا é\u0301 €'), false)).toBeNull();
  });

  it('raw lifts the control check but never the NUL, empty or size checks', () => {
    expect(bodyProblem(Buffer.from('\x1b[2J\r'), true)).toBeNull();
    expect(bodyProblem(Buffer.from('a\0'), true)?.code).toBe('nul');
    expect(bodyProblem(Buffer.alloc(0), true)?.code).toBe('empty');
    expect(bodyProblem(Buffer.from('12345'), true, 4)?.code).toBe('too-big');
  });

  it('refuses a string with a lone surrogate instead of sending U+FFFD', () => {
    const e = thrown(() => textBytes('emoji cut \ud83c'));
    expect(e.message).toMatch(/lone surrogate U\+D83C at character 10/);
    expect(textBytes('🎉').equals(Buffer.from([0xf0, 0x9f, 0x8e, 0x89]))).toBe(true);
  });

  it('names control characters', () => {
    expect(describeControl(0)).toBe('NUL (0x00, Ctrl-@)');
    expect(describeControl(0x1b)).toBe('ESC (0x1b, Ctrl-[)');
    expect(describeControl(0x9b)).toBe('U+009B (a C1 control)');
  });

  it('reads the limits from the environment, refusing nonsense', () => {
    expect(busLimits({})).toEqual({ maxBodyBytes: 65536, inboxCap: 10000 });
    expect(busLimits({ MIYABI_BUS_MAX_BYTES: '1024', MIYABI_BUS_INBOX_CAP: '5' })).toEqual({ maxBodyBytes: 1024, inboxCap: 5 });
    expect(() => busLimits({ MIYABI_BUS_INBOX_CAP: '-1' })).toThrow(/MIYABI_BUS_INBOX_CAP="-1" is not a positive whole number/);
  });
});
