import { describe, expect, it } from 'vitest';
import { ControlParser, decodeOctal, notificationEvent, type ControlMessage } from '../../../src/tmux/control/parser.js';

function parse(chunks: (string | Buffer)[]): ControlMessage[] {
  const out: ControlMessage[] = [];
  const p = new ControlParser((m) => out.push(m));
  for (const c of chunks) p.push(typeof c === 'string' ? Buffer.from(c, 'utf8') : c);
  return out;
}

const SAMPLE = [
  '%begin 1700000000 264 0',
  '%end 1700000000 264 0',
  '%session-changed $0 main',
  '%begin 1700000000 270 1',
  '%0 220x50',
  '%end is not a guard',
  '%end 1700000000 999 1',
  '%end 1700000000 270 1',
  '%begin 1700000000 271 1',
  'parse error: unknown command: x',
  '%error 1700000000 271 1',
  '%output %3 a\\015\\012b\\134\\033[0m',
  '%window-close @4',
  '%exit',
  '',
].join('\n');

describe('ControlParser', () => {
  it('splits blocks, matching guards by time, number and flags', () => {
    expect(parse([SAMPLE])).toEqual([
      { kind: 'block', time: '1700000000', number: 264, flags: 0, ok: true, lines: [] },
      { kind: 'notification', name: 'session-changed', args: '$0 main' },
      {
        kind: 'block',
        time: '1700000000',
        number: 270,
        flags: 1,
        ok: true,
        lines: ['%0 220x50', '%end is not a guard', '%end 1700000000 999 1'],
      },
      { kind: 'block', time: '1700000000', number: 271, flags: 1, ok: false, lines: ['parse error: unknown command: x'] },
      { kind: 'output', paneId: '%3', data: Buffer.from('a\r\nb\\\x1b[0m') },
      { kind: 'notification', name: 'window-close', args: '@4' },
      { kind: 'notification', name: 'exit', args: '' },
    ]);
  });

  it('gives the same result however the bytes are chunked', () => {
    const whole = parse([SAMPLE]);
    const bytes = Buffer.from(SAMPLE);
    for (let size = 1; size <= 7; size++) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
      expect(parse(chunks)).toEqual(whole);
    }
  });

  it('keeps raw high bytes of %output, including invalid UTF-8 split across chunks', () => {
    const line = Buffer.concat([Buffer.from('%output %12 '), Buffer.from('日本'), Buffer.from([0xff, 0xfe, 0xe6]), Buffer.from('\n')]);
    const out = parse([line.subarray(0, 14), line.subarray(14)]);
    expect(out).toEqual([{ kind: 'output', paneId: '%12', data: Buffer.concat([Buffer.from('日本'), Buffer.from([0xff, 0xfe, 0xe6])]) }]);
  });

  it('decodes %extended-output', () => {
    expect(parse(['%extended-output %1 15 : hi\\011there\n'])).toEqual([{ kind: 'output', paneId: '%1', data: Buffer.from('hi\tthere') }]);
  });

  it('holds an unfinished line until its newline comes', () => {
    const out: ControlMessage[] = [];
    const p = new ControlParser((m) => out.push(m));
    p.push(Buffer.from('%begin 1 2 1\nhalf'));
    expect(out).toEqual([]);
    expect(p.inBlock).toBe(true);
    p.push(Buffer.from(' line\n%end 1 2 1\n'));
    expect(out).toEqual([{ kind: 'block', time: '1', number: 2, flags: 1, ok: true, lines: ['half line'] }]);
    expect(p.inBlock).toBe(false);
  });
});

describe('decodeOctal', () => {
  it.each([
    ['plain', 'plain'],
    ['\\134', '\\'],
    ['\\000\\001\\037', '\x00\x01\x1f'],
    ['a\\', 'a\\'],
    ['\\12', '\\12'],
    ['\\8xx', '\\8xx'],
    ['\\0151', '\r1'],
  ])('%j → %j', (input, out) => {
    expect(decodeOctal(Buffer.from(input, 'latin1'))).toEqual(Buffer.from(out, 'latin1'));
  });
});

describe('notificationEvent', () => {
  it.each([
    ['exit', '', { type: 'exit', reason: '' }],
    ['exit', 'server exited', { type: 'exit', reason: 'server exited' }],
    ['window-close', '@3', { type: 'window-close', windowId: '@3' }],
    ['unlinked-window-close', '@7', { type: 'window-close', windowId: '@7' }],
    ['layout-change', '@1 b25d,80x24,0,0,0 b25d,80x24,0,0,0 *', { type: 'layout-change', windowId: '@1' }],
    ['sessions-changed', '', { type: 'session-changed' }],
    ['session-changed', '$1 main', { type: 'session-changed' }],
    ['pane-mode-changed', '%2', { type: 'notification', name: 'pane-mode-changed', args: '%2' }],
  ])('%s %s', (name, args, event) => {
    expect(notificationEvent(name, args)).toEqual(event);
  });
});
