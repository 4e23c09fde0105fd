import { describe, expect, it } from 'vitest';
import { resolveId, shortId, shortIds } from '../../../src/core/short-ids.js';
import { headerFor } from '../../../src/delivery/render.js';

// Two ids whose hashes share their first 8 hex digits (500ae120…), found by search.
const A = '1760000000123456789.alice.000001.81648';
const B = '1760000000123456789.alice.000001.103130';
const C = '1760000000123456789.bob.000002.7';

describe('message ids shown one way', () => {
  it('is the 8 hex digits the pane header carries', () => {
    expect(shortId(C)).toMatch(/^[0-9a-f]{8}$/);
    const msg = { id: C, from: 'bob', to: 'x', priority: 'normal' as const, created: 0, flags: [], body: Buffer.from('t'), text: 't' };
    expect(headerFor('[from {from} #{id}]', msg)).toBe(`[from bob #${shortId(C)}]`);
  });

  it('grows, like git abbreviations, only where two listed ids would share one', () => {
    expect(shortId(A)).toBe(shortId(B));
    const forms = shortIds([A, B, C]);
    expect(forms.get(A)).toBe('500ae1200');
    expect(forms.get(B)).toBe('500ae120f');
    expect(forms.get(C)).toBe(shortId(C));
  });

  it('takes the full id, the short form, a longer prefix or the pane header form; refuses what is ambiguous or unknown', () => {
    const ids = [A, B, C];
    expect(resolveId(C, ids)).toBe(C);
    expect(resolveId(shortId(C), ids)).toBe(C);
    expect(resolveId(`#${shortId(C)}`, ids)).toBe(C);
    expect(resolveId('500ae120f', ids)).toBe(B);
    expect(() => resolveId('500ae120', ids)).toThrow(/names 2 messages: 500ae1200, 500ae120f/);
    expect(() => resolveId('ffffffff', [C])).toThrow(/no message ffffffff/);
    expect(() => resolveId('1760000000123456789.zed.000001.1', ids)).toThrow(/no message/);
    expect(() => resolveId('hello', ids)).toThrow(/is not a message id/);
  });
});
