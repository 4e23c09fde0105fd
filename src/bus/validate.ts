/**
 * Send-side checks, shared with the reader (a hand-written file in `new/` gets the same checks).
 * Each failure says what is wrong and where: the character, its byte offset and its line.
 *
 * - Names go through nameProblem (NAME_PATTERN), so `../x`, `a/b` or `.hidden` can never name a
 *   folder outside the bus.
 * - The body must not be empty, must fit the size cap (64 KiB unless configured), and never
 *   contains NUL (tmux cannot type it, C strings end at it).
 * - Unless `raw`: C0 control characters other than LF and TAB (CR included: in a terminal it is
 *   Enter), DEL and C1 controls (U+0080…U+009F) are refused, since a terminal would act on them
 *   rather than show them; and the body must be valid UTF-8.
 */
import { MiyabiError } from '../core/errors.js';
import { nameProblem } from '../core/names.js';

export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;
export const DEFAULT_INBOX_CAP = 10_000;
export const PRIORITIES = ['high', 'normal', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];
export const FLAG_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;

export interface BusLimits {
  /** Largest body in bytes. */
  maxBodyBytes: number;
  /** Most files allowed in a recipient's `new/` before sends are refused. */
  inboxCap: number;
}

function positiveInt(raw: string | undefined, fallback: number, name: string): number {
  if (raw === undefined || raw === '') return fallback;
  if (!/^[1-9]\d{0,9}$/.test(raw)) {
    throw new MiyabiError('USAGE', `${name}=${JSON.stringify(raw)} is not a positive whole number`, {
      hint: `unset ${name} or set it to a number such as ${fallback}`,
    });
  }
  return Number(raw);
}

/** The limits, from `MIYABI_BUS_MAX_BYTES` and `MIYABI_BUS_INBOX_CAP` (the shell sender reads the same). */
export function busLimits(env: NodeJS.ProcessEnv = process.env): BusLimits {
  return {
    maxBodyBytes: positiveInt(env.MIYABI_BUS_MAX_BYTES, DEFAULT_MAX_BODY_BYTES, 'MIYABI_BUS_MAX_BYTES'),
    inboxCap: positiveInt(env.MIYABI_BUS_INBOX_CAP, DEFAULT_INBOX_CAP, 'MIYABI_BUS_INBOX_CAP'),
  };
}

const C0_NAMES = [
  'NUL', 'SOH', 'STX', 'ETX', 'EOT', 'ENQ', 'ACK', 'BEL', 'BS', 'TAB', 'LF', 'VT', 'FF', 'CR', 'SO', 'SI',
  'DLE', 'DC1', 'DC2', 'DC3', 'DC4', 'NAK', 'SYN', 'ETB', 'CAN', 'EM', 'SUB', 'ESC', 'FS', 'GS', 'RS', 'US',
];

/** "ESC (0x1b, Ctrl-[)", "DEL (0x7f)", "U+009B (a C1 control)". */
export function describeControl(code: number): string {
  if (code < 0x20) return `${C0_NAMES[code]} (0x${code.toString(16).padStart(2, '0')}, Ctrl-${String.fromCharCode(code + 64)})`;
  if (code === 0x7f) return 'DEL (0x7f)';
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')} (a C1 control)`;
}

export type BodyProblemCode = 'empty' | 'too-big' | 'nul' | 'control' | 'utf8';

export interface BodyProblem {
  code: BodyProblemCode;
  /** "contains ESC (0x1b, Ctrl-[) at byte 12 (line 2)" — reads after "text " or "body ". */
  text: string;
  offset?: number;
}

function where(body: Uint8Array, offset: number): string {
  let line = 1;
  for (let i = 0; i < offset; i++) if (body[i] === 0x0a) line++;
  return `at byte ${offset} (line ${line})`;
}

/** Length of the valid UTF-8 sequence starting at `i`, or 0 when it is invalid or cut short. */
function utf8SeqLength(b: Uint8Array, i: number): number {
  const c = b[i]!;
  if (c < 0x80) return 1;
  let n: number;
  let lo = 0x80;
  let hi = 0xbf;
  if (c >= 0xc2 && c <= 0xdf) n = 2;
  else if (c >= 0xe0 && c <= 0xef) {
    n = 3;
    if (c === 0xe0) lo = 0xa0; // overlong
    if (c === 0xed) hi = 0x9f; // surrogates
  } else if (c >= 0xf0 && c <= 0xf4) {
    n = 4;
    if (c === 0xf0) lo = 0x90; // overlong
    if (c === 0xf4) hi = 0x8f; // above U+10FFFF
  } else return 0;
  if (i + n > b.length) return 0;
  const c1 = b[i + 1]!;
  if (c1 < lo || c1 > hi) return 0;
  for (let k = 2; k < n; k++) {
    const ck = b[i + k]!;
    if (ck < 0x80 || ck > 0xbf) return 0;
  }
  return n;
}

/** What is wrong with a message body, or null. One pass over the bytes. */
export function bodyProblem(body: Uint8Array, raw: boolean, maxBytes = DEFAULT_MAX_BODY_BYTES): BodyProblem | null {
  if (body.length === 0) return { code: 'empty', text: 'is empty' };
  if (body.length > maxBytes) {
    return { code: 'too-big', text: `is ${body.length} bytes, over the limit of ${maxBytes} bytes` };
  }
  for (let i = 0; i < body.length; ) {
    const c = body[i]!;
    if (c === 0) return { code: 'nul', text: `contains a NUL byte ${where(body, i)}`, offset: i };
    if (raw) {
      i++;
      continue;
    }
    if ((c < 0x20 && c !== 0x0a && c !== 0x09) || c === 0x7f) {
      return { code: 'control', text: `contains the control character ${describeControl(c)} ${where(body, i)}`, offset: i };
    }
    if (c < 0x80) {
      i++;
      continue;
    }
    const n = utf8SeqLength(body, i);
    if (n === 0) {
      return { code: 'utf8', text: `is not valid UTF-8: byte 0x${c.toString(16)} ${where(body, i)}`, offset: i };
    }
    if (c === 0xc2 && body[i + 1]! <= 0x9f) {
      const cp = body[i + 1]!;
      return { code: 'control', text: `contains the control character ${describeControl(cp)} ${where(body, i)}`, offset: i };
    }
    i += n;
  }
  return null;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The text as UTF-8 bytes; a string with a lone surrogate cannot be encoded and is refused. */
export function textBytes(text: string | Uint8Array): Buffer {
  if (typeof text !== 'string') return Buffer.isBuffer(text) ? text : Buffer.from(text);
  const m = LONE_SURROGATE.exec(text);
  if (m !== null) {
    const cu = m[0].charCodeAt(0).toString(16).toUpperCase();
    throw new MiyabiError('USAGE', `text contains a lone surrogate U+${cu} at character ${m.index}; it cannot be written as UTF-8`, {
      hint: 'the text was probably cut in the middle of an emoji or other character; send the whole text',
    });
  }
  return Buffer.from(text, 'utf8');
}

const BODY_HINTS: Record<BodyProblemCode, string> = {
  empty: 'give the message text as arguments or on standard input',
  'too-big': 'write the text to a file and send its path instead, or raise MIYABI_BUS_MAX_BYTES',
  nul: 'NUL bytes cannot be typed into a terminal; remove them (tr -d "\\000")',
  control: 'a terminal would act on it instead of showing it; remove it (for CRLF text: tr -d "\\r"), or pass --raw to send it anyway',
  utf8: 'convert the text to UTF-8 (iconv -t UTF-8), or pass --raw to send the bytes as they are',
};

const PASTE_END = Buffer.from('\x1b[201~');

/** Throws USAGE (exit 2) when the body is not sendable. */
export function checkBody(body: Uint8Array, raw: boolean, maxBytes = DEFAULT_MAX_BODY_BYTES): void {
  // Even raw: on tmux 3.3a nothing in a paste is escaped, and this would end the bracketed paste
  // early and type the rest as keys (RELIABILITY.md hazard 4); the deliverer would refuse it late.
  const end = raw ? Buffer.from(body.buffer, body.byteOffset, body.byteLength).indexOf(PASTE_END) : -1;
  if (end >= 0) {
    throw new MiyabiError('USAGE', `message text contains the bracketed-paste end sequence ESC [201~ ${where(body, end)}`, {
      hint: 'no terminal program can be given it inside a paste; remove it (even --raw cannot send it)',
      detail: { problem: 'paste-end', offset: end },
    });
  }
  const p = bodyProblem(body, raw, maxBytes);
  if (p === null) return;
  throw new MiyabiError('USAGE', `message text ${p.text}`, {
    hint: BODY_HINTS[p.code],
    detail: { problem: p.code, ...(p.offset === undefined ? {} : { offset: p.offset }) },
  });
}

/** Throws NAME (exit 2) when `value` is not a valid agent name; `role` is "recipient" or "sender". */
export function checkName(role: string, value: unknown): asserts value is string {
  const p = nameProblem(value);
  if (p === null) return;
  throw new MiyabiError('NAME', `${role} ${JSON.stringify(value)} ${p}`, {
    hint: 'bus addresses are agent names, the pane names of the layout (miyabi ls lists them)',
    detail: { role },
  });
}

export function checkPriority(value: unknown): asserts value is Priority {
  if (typeof value === 'string' && (PRIORITIES as readonly string[]).includes(value)) return;
  throw new MiyabiError('USAGE', `priority ${JSON.stringify(value)} is not one of ${PRIORITIES.join(', ')}`, {
    hint: 'use --priority high, normal or low',
  });
}

export function checkFlags(flags: readonly string[]): void {
  for (const f of flags) {
    if (!FLAG_PATTERN.test(f)) {
      throw new MiyabiError('USAGE', `message flag ${JSON.stringify(f)} is not a lowercase word`, {
        hint: 'flags are words such as raw or now',
      });
    }
  }
}
