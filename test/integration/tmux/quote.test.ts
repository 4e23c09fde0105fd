import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ControlClient, commandLine, quoteArg, tmuxExec } from '../../../src/tmux/index.js';
import { fixture, type Fixture } from './fixture.js';

/** Strings that tmux's parsers would mangle if quoting or escaping were wrong. */
const ascii = Array.from({ length: 127 }, (_, i) => String.fromCharCode(i + 1))
  .filter((c) => c !== '\n')
  .join('');
const NASTY = [
  '',
  ' ',
  'plain',
  'two  spaces',
  "'",
  "''",
  "it's",
  "'\\''",
  '"',
  '"double"',
  '\\',
  '\\\\',
  '\\n',
  '\\101',
  ';',
  ';;',
  'a;',
  'a\\;',
  'a\\\\;',
  'x;y',
  ' ; ',
  '#',
  '# comment',
  'a#b',
  '#{session_name}',
  '#{pane_id}',
  '#(touch /tmp/miyabi-quote-pwned)',
  '##',
  '$HOME',
  '${HOME}',
  '$',
  '~',
  '~root',
  '~/x',
  '{',
  '}',
  '{ display -p x }',
  '%if 1',
  '%endif',
  '-t',
  '--',
  '\t',
  '\r',
  'a\rb',
  '\x1b[31mred\x1b[0m',
  '\x01\x02\x7f',
  '日本語',
  '🎉 emoji',
  'مرحبا\u200f',
  'zero\u200bwidth',
  '\u00a0nbsp',
  ascii,
  'long '.repeat(2000),
];

let f: Fixture;
let pane: string;
let client: ControlClient;

beforeAll(async () => {
  f = fixture();
  const tmux = f.tmux();
  const panes = await tmux.createSession({
    name: 'quote',
    windows: [{ name: 'w', arrangement: 'tiled', panes: [{ name: 'p', role: 'agent', argv: ['sleep', '600'], cwd: f.dir, env: {} }] }],
    options: {},
  });
  pane = panes[0]!.paneId;
  client = await ControlClient.open({ socket: f.t.socket, session: 'quote' });
  f.pids.add(client.pid!);
  return async () => {
    await client.close();
    await f.reap();
  };
});

afterEach(async () => {
  await client.command('set-option', ['-p', '-u', '-t', pane, '@x']).catch(() => undefined);
});

describe('control-mode quoting on a real tmux', () => {
  it.each(NASTY.map((s) => [JSON.stringify(s).slice(0, 40), s]))('round-trips %s', async (_label, s) => {
    await client.run(commandLine('set-option', ['-p', '-t', pane, '@x', s]));
    // Read back both ways: one-shot stdout is raw, control-mode reply lines are raw too.
    const viaExec = await tmuxExec(f.t.socket, ['show-options', '-p', '-t', pane, '-v', '@x']);
    expect(viaExec).toBe(`${s}\n`);
    const viaControl = await client.command('show-options', ['-p', '-t', pane, '-v', '@x']);
    expect(viaControl).toEqual([s]);
  });

  it('a whole command line of nasty arguments parses into exactly those arguments', async () => {
    // display-message -p prints its (format-expanded) argument, so this string has no `#`;
    // it checks that the parser sees one argument, not several.
    const s = "a 'b' \"c\" ; d \\; $HOME ~ {x}";
    expect(await client.run(commandLine('display-message', ['-p', s]))).toEqual([s]);
  });

  it('ran none of the #(…) above', async () => {
    const { existsSync } = await import('node:fs');
    expect(existsSync('/tmp/miyabi-quote-pwned')).toBe(false);
  });

  it('refuses what a control-mode line cannot carry', () => {
    expect(() => quoteArg('a\nb')).toThrow(/newline/);
    expect(() => quoteArg('a\0b')).toThrow(/NUL/);
    expect(() => quoteArg('\ud800')).toThrow(/Unicode/);
  });
});

describe('one-shot argv escaping on a real tmux', () => {
  it.each(NASTY.filter((s) => Buffer.byteLength(s) < 4000).map((s) => [JSON.stringify(s).slice(0, 40), s]))(
    'round-trips %s',
    async (_label, s) => {
      await tmuxExec(f.t.socket, ['set-option', '-p', '-t', pane, '@x', s]);
      expect(await tmuxExec(f.t.socket, ['show-options', '-p', '-t', pane, '-v', '@x'])).toBe(`${s}\n`);
    },
  );

  it('tmux really does eat a trailing ; without the escape (RELIABILITY 2)', async () => {
    const { execFileSync } = await import('node:child_process');
    execFileSync('tmux', ['-L', f.t.socket, 'set-option', '-p', '-t', pane, '@x', 'a;']);
    expect(await tmuxExec(f.t.socket, ['show-options', '-p', '-t', pane, '-v', '@x'])).toBe('a\n');
  });
});
