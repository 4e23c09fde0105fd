/** The nesting guard in front of the YAML parser: exact positions, and no false alarms. */
import { describe, expect, it } from 'vitest';
import { lineColAt, tooDeepAt } from '../../../src/config/nesting.js';

describe('tooDeepAt', () => {
  it('finds the bracket that goes one level too deep', () => {
    expect(tooDeepAt('a: ' + '['.repeat(3) + ']'.repeat(3), 2)).toBe(5);
    expect(tooDeepAt('a: {b: {c: {d: 1}}}', 2)).toBe(11);
    expect(tooDeepAt('a: [[1], [2], [3]]', 2)).toBe(-1);
  });

  it('finds compact "- - -" sequences', () => {
    expect(tooDeepAt('x:\n  - - - y\n', 2)).toBe(9);
    expect(tooDeepAt('- a\n- b\n- c\n', 2)).toBe(-1);
  });

  it('ignores brackets in quotes, comments and plain text', () => {
    const lines = Array.from({ length: 200 }, (_, i) => `k${i}: echo [x {y  # [[[ {{{`).join('\n');
    expect(tooDeepAt(lines)).toBe(-1);
    expect(tooDeepAt(`a: "${'['.repeat(200)}"\nb: '${'{'.repeat(200)}'`)).toBe(-1);
    const apostrophes = Array.from({ length: 200 }, (_, i) => `- [echo, it's, ${i}]`).join('\n');
    expect(tooDeepAt(apostrophes)).toBe(-1);
  });

  it('gives 1-based line and column', () => {
    expect(lineColAt('ab\ncd\nef', 0)).toEqual({ line: 1, col: 1 });
    expect(lineColAt('ab\ncd\nef', 4)).toEqual({ line: 2, col: 2 });
    expect(lineColAt('ab\ncd\nef', 6)).toEqual({ line: 3, col: 1 });
  });
});
