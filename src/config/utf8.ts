/**
 * Strict UTF-8 decoding for config files. `Buffer.toString()` silently turns bad bytes into U+FFFD,
 * which would then show up inside names and commands; we refuse the file and say where the bad byte is.
 */

/** Offset of the first byte that is not part of valid UTF-8 (RFC 3629), or -1 when all is valid. */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i] ?? 0;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let cp: number;
    if (c >= 0xc2 && c <= 0xdf) [need, cp] = [1, c & 0x1f];
    else if (c >= 0xe0 && c <= 0xef) [need, cp] = [2, c & 0x0f];
    else if (c >= 0xf0 && c <= 0xf4) [need, cp] = [3, c & 0x07];
    else return i;
    for (let k = 1; k <= need; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (d & 0x3f);
    }
    const overlong = (need === 2 && cp < 0x800) || (need === 3 && cp < 0x10000);
    const surrogate = cp >= 0xd800 && cp <= 0xdfff;
    if (overlong || surrogate || cp > 0x10ffff) return i;
    i += need + 1;
  }
  return -1;
}

export type DecodeResult =
  | { ok: true; text: string }
  | { ok: false; offset: number; byte: number; line: number; col: number };

/** Decodes strictly; a leading BOM is dropped. On failure, gives the bad byte and its line:col (col in bytes). */
export function decodeUtf8(bytes: Uint8Array): DecodeResult {
  const offset = firstInvalidUtf8(bytes);
  if (offset < 0) return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { ok: false, offset, byte: bytes[offset] ?? 0, line, col: offset - lineStart + 1 };
}
