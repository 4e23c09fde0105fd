/**
 * The journal's record format and a chunked line reader.
 *
 * One record per line, always written with the keys in this order:
 *
 *     {"seq":42,"ts":1718000000000,"type":"agent.idle","payload":{...},"crc":3735928559}\n
 *
 * `crc` is CRC32 (zlib.crc32, the IEEE polynomial, unsigned) of the UTF-8 bytes of the line from
 * the opening `{` up to, not including, `,"crc":` — that is, of `{"seq":…,"ts":…,"type":…,"payload":…`.
 * It is computed over the raw bytes as read, so checking a record never depends on re-serialising
 * the parsed value exactly as it was written (key order, number and string escapes).
 */
import { crc32 } from 'node:zlib';
import { MiyabiError } from './errors.js';
import type { FsPort } from './fs-port.js';

export interface JournalRecord {
  /** 1, 2, 3… with no gaps, across segments. */
  seq: number;
  /** Date.now() at append. */
  ts: number;
  /** Dotted event type, e.g. "message.delivered". */
  type: string;
  /** Any JSON value (as read back from JSON: what `append` returns equals what replay yields). */
  payload: unknown;
  crc: number;
}

const CRC_MARKER = Buffer.from(',"crc":');
const MAX_TYPE_LENGTH = 200;

/** Serialises one record, returning the line (with its `\n`) and the record as replay will see it. */
export function encodeRecord(
  seq: number,
  ts: number,
  type: string,
  payload: unknown,
): { line: Buffer; record: JournalRecord } {
  if (typeof type !== 'string' || type.length === 0 || type.length > MAX_TYPE_LENGTH) {
    throw new MiyabiError('INTERNAL', `journal: event type must be a non-empty string of at most ${MAX_TYPE_LENGTH} characters`);
  }
  let payloadJson: string | undefined;
  try {
    payloadJson = JSON.stringify(payload === undefined ? null : payload);
  } catch (e) {
    throw new MiyabiError('INTERNAL', `journal: payload of "${type}" is not JSON-serialisable: ${(e as Error).message}`, { cause: e });
  }
  if (payloadJson === undefined) {
    throw new MiyabiError('INTERNAL', `journal: payload of "${type}" is not JSON-serialisable`);
  }
  const body = `{"seq":${seq},"ts":${ts},"type":${JSON.stringify(type)},"payload":${payloadJson}`;
  const bodyLen = Buffer.byteLength(body);
  const line = Buffer.allocUnsafe(bodyLen + 24);
  line.write(body, 0, 'utf8');
  const crc = crc32(line.subarray(0, bodyLen));
  const tailLen = line.write(`,"crc":${crc}}\n`, bodyLen, 'latin1');
  return {
    line: line.subarray(0, bodyLen + tailLen),
    // Parsed back so live subscribers get exactly what a replay yields (no shared mutable objects).
    record: { seq, ts, type, payload: JSON.parse(payloadJson) as unknown, crc },
  };
}

export type DecodeResult = { ok: true; record: JournalRecord } | { ok: false; reason: string };

function bad(reason: string): DecodeResult {
  return { ok: false, reason };
}

const SEQ_PREFIX = Buffer.from('{"seq":');

function isDigit(b: number | undefined): b is number {
  return b !== undefined && b >= 0x30 && b <= 0x39;
}

/**
 * The fast path: checks the exact layout `encodeRecord` writes — `{"seq":<n>,` … `,"crc":<n>}` —
 * and the CRC, without JSON.parse. Returns the seq, or 0 when anything is off. A line that passes
 * is byte for byte what the writer produced, which is always valid JSON of the right shape.
 */
function fastSeq(buf: Buffer, start: number, end: number): number {
  let d = end - 2; // the crc's last digit, before the closing brace
  let stored = 0;
  let mul = 1;
  for (; d > start && isDigit(buf[d]) && mul <= 1e10; d--, mul *= 10) stored += ((buf[d] as number) - 0x30) * mul;
  const marker = d + 1 - CRC_MARKER.length;
  let seq = 0;
  let i = start + SEQ_PREFIX.length;
  for (; i < end && isDigit(buf[i]); i++) seq = seq * 10 + ((buf[i] as number) - 0x30);
  const ok =
    buf[end - 1] === 0x7d &&
    mul > 1 &&
    (buf[d + 1] !== 0x30 || mul === 10) && // no leading zero: JSON would reject it
    marker > start &&
    buf.compare(CRC_MARKER, 0, CRC_MARKER.length, marker, marker + CRC_MARKER.length) === 0 &&
    buf.compare(SEQ_PREFIX, 0, SEQ_PREFIX.length, start, start + SEQ_PREFIX.length) === 0 &&
    buf[start + SEQ_PREFIX.length] !== 0x30 &&
    buf[i] === 0x2c &&
    seq >= 1 &&
    Number.isSafeInteger(seq) &&
    crc32(buf.subarray(start, marker)) === stored;
  return ok ? seq : 0;
}

/** The slow path, for a line the fast path rejected: the exact reason, or the record after all. */
function explain(buf: Buffer, start: number, end: number): DecodeResult {
  let obj: unknown;
  try {
    obj = JSON.parse(buf.toString('utf8', start, end));
  } catch (e) {
    return bad(`bad JSON (${(e as Error).message})`);
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return bad('not a JSON object');
  const { seq, ts, type, payload, crc } = obj as Record<string, unknown>;
  if (typeof crc !== 'number' || !Number.isInteger(crc) || crc < 0) return bad('no "crc" field');
  const digits = String(crc);
  const marker = end - CRC_MARKER.length - digits.length - 1;
  if (
    marker < start ||
    buf[end - 1] !== 0x7d ||
    buf.compare(CRC_MARKER, 0, CRC_MARKER.length, marker, marker + CRC_MARKER.length) !== 0 ||
    buf.toString('latin1', marker + CRC_MARKER.length, end - 1) !== digits
  ) {
    return bad('"crc" is not the last field');
  }
  const actual = crc32(buf.subarray(start, marker));
  if (actual !== crc) return bad(`CRC mismatch (stored ${crc}, computed ${actual})`);
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) return bad('"seq" is not a positive integer');
  if (typeof ts !== 'number' || !Number.isFinite(ts)) return bad('"ts" is not a number');
  if (typeof type !== 'string' || type.length === 0) return bad('"type" is not a non-empty string');
  if (payload === undefined) return bad('no "payload" field');
  return { ok: true, record: { seq, ts, type, payload, crc } };
}

/** Checks and decodes one line, `buf[start, end)` without its `\n` (replay). */
export function decodeLine(buf: Buffer, start: number, end: number): DecodeResult {
  if (fastSeq(buf, start, end) > 0) {
    // Our writer's output: keys are exactly seq, ts, type, payload, crc.
    return { ok: true, record: JSON.parse(buf.toString('utf8', start, end)) as JournalRecord };
  }
  return explain(buf, start, end);
}

/** Checks one line without decoding its payload (loading): its seq, or why it is invalid. */
export function checkLine(buf: Buffer, start: number, end: number): { ok: true; seq: number } | { ok: false; reason: string } {
  const seq = fastSeq(buf, start, end);
  if (seq > 0) return { ok: true, seq };
  const full = explain(buf, start, end);
  return full.ok ? { ok: true, seq: full.record.seq } : full;
}

export interface RawLine {
  /** Shared read buffer: only valid until the generator is resumed. */
  buf: Buffer;
  start: number;
  /** End of the line's content (the `\n`, or end of file when `terminated` is false). */
  end: number;
  /** File offset of the line's first byte. */
  offset: number;
  /** 1-based line number in the file. */
  line: number;
  /** False for a last line with no `\n` (a torn write). */
  terminated: boolean;
}

const CHUNK = 1 << 20;

/**
 * Reads `fd` from offset `from` (default 0, the start of a line) up to `limit` bytes (default: to EOF) in 1 MiB chunks and yields each
 * line. Lines longer than a chunk grow the buffer; nothing else is copied, so a 100k-record
 * journal is never one giant string.
 */
export function* scanLines(fs: FsPort, fd: number, limit = Number.POSITIVE_INFINITY, from = 0): Generator<RawLine> {
  let buf = Buffer.allocUnsafe(CHUNK);
  let filled = 0; // bytes of buf holding data
  let bufOffset = from; // file offset of buf[0]
  let lineStart = 0; // index in buf of the current line
  let lineNo = 0; // counted from `from`, which must start a line
  let pos = from; // next file offset to read
  const raw: RawLine = { buf, start: 0, end: 0, offset: 0, line: 0, terminated: true };
  for (;;) {
    if (filled === buf.length) {
      if (lineStart > 0) {
        buf.copy(buf, 0, lineStart, filled);
        filled -= lineStart;
        bufOffset += lineStart;
        lineStart = 0;
      } else {
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, filled);
        buf = bigger;
        raw.buf = buf;
      }
    }
    const want = Math.min(buf.length - filled, limit - pos);
    const n = want > 0 ? fs.readSync(fd, buf, filled, want, pos) : 0;
    if (n === 0) {
      if (lineStart < filled) {
        Object.assign(raw, { start: lineStart, end: filled, offset: bufOffset + lineStart, line: ++lineNo, terminated: false });
        yield raw;
      }
      return;
    }
    let from = filled;
    filled += n;
    pos += n;
    const view = buf.subarray(0, filled);
    for (let nl = view.indexOf(10, from); nl !== -1; nl = view.indexOf(10, from)) {
      raw.start = lineStart;
      raw.end = nl;
      raw.offset = bufOffset + lineStart;
      raw.line = ++lineNo;
      raw.terminated = true;
      yield raw;
      lineStart = nl + 1;
      from = nl + 1;
    }
  }
}
