import { describe, expect, it } from 'vitest';
import { assertArrangement, layoutChecksum, layoutPaneCount } from '../../../src/tmux/arrangement.js';

describe('layouts', () => {
  it('computes tmux checksums (values from tmux 3.3a list-windows)', () => {
    expect(layoutChecksum('220x50,0,0{110x50,0,0,1,109x50,111,0,2}')).toBe('247d');
    expect(layoutChecksum('80x24,0,0,0')).toBe('b25d');
  });

  it.each([
    ['80x24,0,0,0', 1],
    ['220x50,0,0{110x50,0,0,1,109x50,111,0,2}', 2],
    ['220x50,0,0[220x25,0,0,1,220x24,0,26{110x24,0,26,2,109x24,111,26,3}]', 3],
    ['80x24,0,0', null],
    ['80x24,0,0{}', null],
    ['80x24,0,0,0,', null],
    ['80x24,0,0{80x24,0,0,1', null],
    ['junk', null],
  ])('%s has %s panes', (body, n) => {
    expect(layoutPaneCount(body)).toBe(n);
  });

  it('lets through named layouts and right layout strings only', () => {
    expect(() => assertArrangement('tiled', 5, 'w')).not.toThrow();
    expect(() => assertArrangement('247d,220x50,0,0{110x50,0,0,1,109x50,111,0,2}', 2, 'w')).not.toThrow();
    for (const bad of ['vertical', 'main', 'Tiled', '', 'ffff,220x50,0,0{110x50,0,0,1,109x50,111,0,2}', 'b25d,80x24,0,0,0;']) {
      expect(() => assertArrangement(bad, 2, 'w')).toThrow(expect.objectContaining({ code: 'CONFIG' }));
    }
    expect(() => assertArrangement('247d,220x50,0,0{110x50,0,0,1,109x50,111,0,2}', 3, 'w')).toThrow(/describes 2 panes/);
  });
});
