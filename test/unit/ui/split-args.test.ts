import { describe, expect, it } from 'vitest';
import { isMiyabiError } from '../../../src/core/errors.js';
import { splitArgs } from '../../../src/ui/conductor/split-args.js';

describe('splitArgs', () => {
  it.each([
    ['', []],
    ['   ', []],
    ['status', ['status']],
    ['  status   --json  ', ['status', '--json']],
    ['a\tb\nc', ['a', 'b', 'c']],
    [`send agent-1 'hello world'`, ['send', 'agent-1', 'hello world']],
    [`send agent-1 "hello world"`, ['send', 'agent-1', 'hello world']],
    [`'a "b" c'`, ['a "b" c']],
    [`"it's"`, ["it's"]],
    [`"a \\"q\\" b"`, ['a "q" b']],
    [`"back\\\\slash"`, ['back\\slash']],
    [`"keep \\n as is"`, ['keep \\n as is']],
    [`"\\$HOME"`, ['$HOME']],
    [`'no \\ escapes'`, ['no \\ escapes']],
    [`a\\ b c`, ['a b', 'c']],
    [`\\'x`, ["'x"]],
    [`a"b c"d`, ['ab cd']],
    [`''`, ['']],
    [`x "" y`, ['x', '', 'y']],
    [`--msg=\"hi there\"`, ['--msg=hi there']],
    [`naïve "日本"`, ['naïve', '日本']],
  ])('%j', (line, words) => {
    expect(splitArgs(line)).toEqual(words);
  });

  it.each([
    [`say "unterminated`, 'unterminated double quote (at column 5)'],
    [`say 'unterminated`, 'unterminated single quote (at column 5)'],
    [`trailing\\`, 'a trailing backslash escapes nothing (at column 9)'],
    [`"ends with \\"`, 'unterminated double quote (at column 1)'],
  ])('rejects %j', (line, message) => {
    let err: unknown;
    try {
      splitArgs(line);
    } catch (e) {
      err = e;
    }
    expect(isMiyabiError(err)).toBe(true);
    expect((err as Error).message).toBe(message);
    expect(isMiyabiError(err) && err.code).toBe('USAGE');
  });
});
