/**
 * The text `miyabi send` is given, read with the same limits the bus applies (issue #11, item 5):
 * standard input is read only up to the body limit (a 100 MB pipe is refused after 64 KiB, not
 * after it sits in memory), and an argument whose bytes are not UTF-8 is refused instead of
 * arriving with U+FFFD in it (node decodes argv lossily; the raw bytes are in /proc/self/cmdline).
 */
import { readFileSync, readSync } from 'node:fs';
import { MiyabiError } from '../core/errors.js';
import { DEFAULT_MAX_BODY_BYTES } from '../bus/validate.js';

/** MIYABI_BUS_MAX_BYTES when it is a positive whole number, else 64 KiB (the bus reads the same). */
export function maxBodyBytes(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.MIYABI_BUS_MAX_BYTES);
  return Number.isSafeInteger(n) && n > 0 ? n : DEFAULT_MAX_BODY_BYTES;
}

function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Reads `fd` to its end, refusing (exit 2) as soon as more than `max` bytes have come. */
export function readCapped(fd: number, max: number): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  const buf = Buffer.allocUnsafe(64 * 1024);
  for (;;) {
    let n: number;
    try {
      n = readSync(fd, buf, 0, buf.length, null);
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'EAGAIN') {
        pause(5); // a non-blocking pipe with nothing in it yet
        continue;
      }
      if (code === 'EOF') break;
      throw e;
    }
    if (n === 0) break;
    total += n;
    if (total > max) {
      throw new MiyabiError('USAGE', `message text on standard input is over the limit of ${max} bytes (stopped reading there)`, {
        hint: 'write the text to a file and send its path instead, or raise MIYABI_BUS_MAX_BYTES',
        detail: { problem: 'too-big' },
      });
    }
    chunks.push(Buffer.from(buf.subarray(0, n)));
  }
  return Buffer.concat(chunks, total);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function isUtf8(b: Uint8Array): boolean {
  try {
    utf8.decode(b);
    return true;
  } catch {
    return false;
  }
}

/**
 * Refuses (exit 2) when an argument was not valid UTF-8. Only arguments holding U+FFFD can be
 * such (that is what node made of the bad bytes), so the raw command line is read only then;
 * `cmdline` is for tests.
 */
export function checkArgsUtf8(args: readonly string[], cmdline?: () => Buffer): void {
  if (!args.some((a) => a.includes('\uFFFD'))) return;
  let raw: Buffer;
  try {
    raw = cmdline ? cmdline() : readFileSync('/proc/self/cmdline');
  } catch {
    return; // no /proc: a U+FFFD typed on purpose cannot be told from a replaced byte
  }
  let start = 0;
  for (let i = 0; i <= raw.length; i++) {
    if (i < raw.length && raw[i] !== 0) continue;
    const arg = raw.subarray(start, i);
    start = i + 1;
    if (isUtf8(arg)) continue;
    throw new MiyabiError('USAGE', `an argument is not valid UTF-8 (${JSON.stringify(arg.toString('utf8'))}): it would arrive with U+FFFD in place of the bytes`, {
      hint: 'convert the text to UTF-8 (iconv -t UTF-8), or send the bytes on standard input with --raw',
      detail: { problem: 'utf8' },
    });
  }
}
