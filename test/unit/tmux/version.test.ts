import { describe, expect, it } from 'vitest';
import { assertSupported, parseTmuxVersion, versionAtLeast } from '../../../src/tmux/version.js';

describe('parseTmuxVersion', () => {
  it.each([
    ['tmux 3.3a', 3, 3],
    ['tmux 3.3a\n', 3, 3],
    ['tmux 3.4', 3, 4],
    ['tmux next-3.5', 3, 5],
    ['tmux next-3.6', 3, 6],
    ['tmux 3.2', 3, 2],
    ['tmux 3.2a', 3, 2],
    ['tmux 3.3-rc', 3, 3],
    ['tmux 3.1c', 3, 1],
    ['tmux 2.9a', 2, 9],
    ['tmux 1.8', 1, 8],
    ['tmux 10.0', 10, 0],
    ['tmux master', 999, 0],
    ['tmux openbsd-7.5', 999, 0],
  ])('%j → %i.%i', (raw, major, minor) => {
    expect(parseTmuxVersion(raw)).toEqual({ raw: raw.trim(), major, minor });
  });

  it.each(['', 'tmux', 'screen 4.09', 'tmux three', 'tmux 3', 'tmux 3.x'])('refuses %j', (raw) => {
    expect(() => parseTmuxVersion(raw)).toThrow(expect.objectContaining({ code: 'TMUX_VERSION' }));
  });
});

describe('assertSupported', () => {
  it.each([
    ['tmux 3.2', true],
    ['tmux 3.2a', true],
    ['tmux 3.3a', true],
    ['tmux next-3.5', true],
    ['tmux master', true],
    ['tmux 3.1c', false],
    ['tmux 2.9a', false],
  ])('%s supported: %s', (raw, ok) => {
    const v = parseTmuxVersion(raw);
    if (ok) expect(assertSupported(v)).toBe(v);
    else expect(() => assertSupported(v)).toThrow(expect.objectContaining({ code: 'TMUX_VERSION', hint: expect.stringMatching(/upgrade/) }));
  });

  it('compares versions', () => {
    const v = parseTmuxVersion('tmux 3.3a');
    expect(versionAtLeast(v, 3, 3)).toBe(true);
    expect(versionAtLeast(v, 3, 4)).toBe(false);
    expect(versionAtLeast(v, 2, 9)).toBe(true);
  });
});
