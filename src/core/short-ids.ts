// SHA-1 in plain JS: loading node:crypto would cost `send` and `inbox` about 7 % of a node start.
import { sha1 } from '@noble/hashes/legacy.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { MiyabiError } from './errors.js';

/**
 * How a message id is shown: hex digits of its SHA-1, the `#…` a pane header carries, so what an
 * agent sees in its pane, what `send` prints and what `inbox` lists are one form. A full id starts
 * with the same 19 time digits as its neighbours, so a prefix of it would tell nothing apart.
 * Like git's abbreviations: 8 digits, more where two listed ids would share them; any verb that
 * takes an id takes this form, a longer prefix of it, or the full id. `--json` gives the full id.
 */
export const SHORT_ID_LENGTH = 8;
const MIN_PREFIX = 4;

const hashOf = (id: string): string => bytesToHex(sha1(utf8ToBytes(id)));

/** The 8-digit form (as the pane header shows it). */
export function shortId(id: string): string {
  return hashOf(id).slice(0, SHORT_ID_LENGTH);
}

/** Each id's short form, longer for ids whose first 8 digits another of `ids` shares. */
export function shortIds(ids: readonly string[]): Map<string, string> {
  const hashes = [...new Set(ids)].map((id) => [id, hashOf(id)] as const).sort((a, b) => (a[1] < b[1] ? -1 : 1));
  const out = new Map<string, string>();
  hashes.forEach(([id, h], i) => {
    let n = SHORT_ID_LENGTH;
    // In sorted order a hash shares its longest prefix with a neighbour.
    for (const other of [hashes[i - 1]?.[1], hashes[i + 1]?.[1]]) {
      if (other === undefined) continue;
      let common = 0;
      while (common < h.length && h[common] === other[common]) common++;
      n = Math.max(n, common + 1);
    }
    out.set(id, h.slice(0, n));
  });
  return out;
}

/** True when `s` could be a short form (hex, at least 4 digits, an optional leading `#`). */
export function looksLikeShortId(s: string): boolean {
  return new RegExp(`^#?[0-9a-f]{${MIN_PREFIX},40}$`).test(s);
}

/** The one id of `ids` that `given` names (full id, short form or a longer prefix of it). */
export function resolveId(given: string, ids: readonly string[]): string {
  if (ids.includes(given)) return given;
  if (/^\d{19}\./.test(given)) throw new MiyabiError('NOT_FOUND', `no message ${given}`, { hint: 'miyabi inbox --all lists them' });
  if (!looksLikeShortId(given)) {
    throw new MiyabiError('USAGE', `${JSON.stringify(given)} is not a message id`, {
      hint: `give the ${SHORT_ID_LENGTH} hex digits miyabi shows (e.g. 3fa2c1d0) or the full id (miyabi inbox --json)`,
    });
  }
  const prefix = given.replace(/^#/, '');
  const hits = ids.filter((id) => hashOf(id).startsWith(prefix));
  if (hits.length === 1) return hits[0]!;
  if (hits.length === 0) throw new MiyabiError('NOT_FOUND', `no message ${given}`, { hint: 'miyabi inbox --all lists them' });
  const forms = shortIds(hits);
  throw new MiyabiError('USAGE', `${given} names ${hits.length} messages: ${hits.map((h) => forms.get(h)).join(', ')}`, {
    hint: 'give more digits',
  });
}
