import { describe, expect, it } from 'vitest';
import { commandLine, quoteArg } from '../../../src/tmux/quote.js';

describe('quoteArg', () => {
  it.each([
    ['', "''"],
    ['plain', "'plain'"],
    ["it's", "'it'\\''s'"],
    ["'", "''\\'''"],
    ['a;', "'a;'"],
    ['#{x} $HOME ~ {}', "'#{x} $HOME ~ {}'"],
    ['\\', "'\\'"],
  ])('%j → %s', (input, out) => {
    expect(quoteArg(input)).toBe(out);
  });

  it.each([
    ['newline', 'a\nb', /newline/],
    ['CRLF', 'a\r\nb', /newline/],
    ['NUL', 'a\0b', /NUL/],
    ['lone surrogate', 'x\udc00', /Unicode/],
  ])('rejects a %s', (_what, input, msg) => {
    expect(() => quoteArg(input)).toThrow(expect.objectContaining({ code: 'TMUX_COMMAND', message: expect.stringMatching(msg) }));
  });

  it('keeps a surrogate pair (emoji)', () => {
    expect(quoteArg('🎉')).toBe("'🎉'");
  });
});

describe('commandLine', () => {
  it('quotes every argument but the verb', () => {
    expect(commandLine('set-option', ['-p', '-t', '%1', '@x', "a'b;"])).toBe("set-option '-p' '-t' '%1' '@x' 'a'\\''b;'");
    expect(commandLine('list-panes')).toBe('list-panes');
  });

  it('refuses a verb that is not a plain command name', () => {
    expect(() => commandLine('kill-server;', [])).toThrow(/not a tmux command name/);
    expect(() => commandLine('', [])).toThrow();
  });
});
