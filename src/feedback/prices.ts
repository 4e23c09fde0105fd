/**
 * The price table (data/prices.json, or the user's copy named by `prices:` in feedback.yaml): USD
 * per million tokens and the context window per model. Every cost made from it is an ESTIMATE.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { MiyabiError } from '../core/errors.js';
import { lazily } from '../core/lazy.js';

// Built at the first price table read, not when the controller loads (issue #17).
const schemas = lazily({
  table: () => {
    const price = z.object({
      input: z.number().nonnegative(),
      output: z.number().nonnegative(),
      cache_write: z.number().nonnegative(),
      cache_read: z.number().nonnegative(),
      window: z.number().int().positive(),
    }).strict();
    return z.object({ note: z.string().optional(), models: z.record(z.string(), price) }).strict();
  },
});
export type PriceTable = z.infer<typeof schemas.table>;
export type ModelPrice = PriceTable['models'][string];

/** src/feedback/ and dist/feedback/ are both two levels below the package root. */
export const DEFAULT_PRICES = fileURLToPath(new URL('../../data/prices.json', import.meta.url));
export const DEFAULT_WINDOW = 200_000;

export function loadPrices(file = DEFAULT_PRICES): PriceTable {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new MiyabiError('CONFIG', `price table ${file}: ${(e as Error).message}`, { hint: 'fix the file, or drop `prices:` from feedback.yaml to use miyabi\'s own' });
  }
  const r = schemas.table.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new MiyabiError('CONFIG', `price table ${file}: ${i?.path.join('.') || 'the file'}: ${i?.message ?? 'invalid'}`, { hint: 'each model needs input, output, cache_write, cache_read (USD per million tokens) and window (tokens)' });
  }
  return r.data;
}

/** The longest key the model id starts with (`claude-sonnet-4-5-20250929` → `claude-sonnet-4`). */
export function priceOf(t: PriceTable, model: string): ModelPrice | null {
  let best: string | null = null;
  for (const k of Object.keys(t.models)) if (model.startsWith(k) && (best === null || k.length > best.length)) best = k;
  return best === null ? null : (t.models[best] ?? null);
}

export interface Tokens {
  input: number;
  output: number;
  cacheCreation: number;
  cacheRead: number;
}

/** USD, an ESTIMATE; null when the model is not in the table. */
export function costOf(t: PriceTable, model: string, u: Tokens): number | null {
  const p = priceOf(t, model);
  if (!p) return null;
  return (u.input * p.input + u.output * p.output + u.cacheCreation * p.cache_write + u.cacheRead * p.cache_read) / 1e6;
}
