/**
 * The message file (docs/bus-format.md): ASCII header lines, a blank line, then the body bytes
 * exactly, with no trailing newline added, so `printf` in a shell script can write one:
 *
 *   miyabi-message 1
 *   id: 1760000000123456789.conductor.000042.31337
 *   from: conductor
 *   to: agent-1
 *   priority: normal
 *   created: 1760000000123
 *   flags: raw,now            (optional)
 *   length: 11
 *
 *   hello world
 *
 * The parser is strict: anything it does not accept is quarantined by the reader with the reason.
 */
import { nameProblem } from '../core/names.js';
import { parseId } from './ids.js';
import { DEFAULT_MAX_BODY_BYTES, FLAG_PATTERN, PRIORITIES, type Priority, bodyProblem } from './validate.js';

export const MAGIC = 'miyabi-message';
export const FORMAT_VERSION = 1;
/** The header section (everything before the blank line) is at most this long. */
export const MAX_HEADER_BYTES = 4096;

export interface BusMessage {
  id: string;
  from: string;
  to: string;
  priority: Priority;
  /** Epoch milliseconds when the sender wrote it. */
  created: number;
  /** E.g. ['raw', 'now']; 'raw' lifts the control-character and UTF-8 checks. */
  flags: readonly string[];
  body: Buffer;
}

export interface ParsedMessage extends BusMessage {
  /** The body decoded as UTF-8 (raw bodies that are not UTF-8 get U+FFFD here; use `body`). */
  text: string;
}

export type ParseErrorCode =
  | 'no-header-end'
  | 'header-syntax'
  | 'magic'
  | 'version'
  | 'unknown-header'
  | 'duplicate-header'
  | 'missing-header'
  | 'bad-id'
  | 'id-mismatch'
  | 'bad-name'
  | 'sender-mismatch'
  | 'wrong-inbox'
  | 'bad-priority'
  | 'bad-created'
  | 'bad-flags'
  | 'bad-length'
  | 'too-big'
  | 'truncated'
  | 'trailing-bytes'
  | 'empty'
  | 'nul'
  | 'control'
  | 'utf8';

export type ParseResult = { ok: true; message: ParsedMessage } | { ok: false; code: ParseErrorCode; reason: string };

const KNOWN = ['id', 'from', 'to', 'priority', 'created', 'flags', 'length'] as const;
type Key = (typeof KNOWN)[number];
const REQUIRED: readonly Key[] = ['id', 'from', 'to', 'priority', 'created', 'length'];

export function encodeHeader(msg: Omit<BusMessage, 'body'>, length: number): string {
  let h = `${MAGIC} ${FORMAT_VERSION}\nid: ${msg.id}\nfrom: ${msg.from}\nto: ${msg.to}\npriority: ${msg.priority}\ncreated: ${msg.created}\n`;
  if (msg.flags.length > 0) h += `flags: ${msg.flags.join(',')}\n`;
  return `${h}length: ${length}\n\n`;
}

/** The file's bytes. The caller has validated the fields (writer.ts does, through validate.ts). */
export function encodeMessage(msg: BusMessage): Buffer {
  const header = Buffer.from(encodeHeader(msg, msg.body.length), 'latin1');
  return Buffer.concat([header, msg.body], header.length + msg.body.length);
}

export interface ParseOptions {
  maxBodyBytes?: number;
  /** The inbox the file was found in: `to` must name it. */
  inbox?: string;
}

function fail(code: ParseErrorCode, reason: string): ParseResult {
  return { ok: false, code, reason };
}

/** Parses a message file named `fileName` (its id); never throws. */
export function parseMessage(buf: Buffer, fileName: string, options: ParseOptions = {}): ParseResult {
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const end = buf.subarray(0, MAX_HEADER_BYTES + 2).indexOf('\n\n');
  if (end < 0) {
    if (buf.length === 0) return fail('no-header-end', 'the file is empty');
    return fail('no-header-end', `no blank line ending the header within the first ${MAX_HEADER_BYTES} bytes (truncated, or not a miyabi message)`);
  }
  for (let i = 0; i < end; i++) {
    const c = buf[i]!;
    if (c !== 0x0a && (c < 0x20 || c > 0x7e)) {
      return fail('header-syntax', `byte 0x${c.toString(16).padStart(2, '0')} at offset ${i} in the header (headers are printable ASCII)`);
    }
  }
  const lines = buf.toString('latin1', 0, end).split('\n');
  const magic = /^miyabi-message (\d{1,9})$/.exec(lines[0]!);
  if (magic === null) {
    return fail('magic', `first line is ${JSON.stringify(lines[0]!.slice(0, 60))}, not "${MAGIC} ${FORMAT_VERSION}"`);
  }
  if (Number(magic[1]) !== FORMAT_VERSION) {
    return fail('version', `format version ${magic[1]}; this miyabi reads version ${FORMAT_VERSION}`);
  }
  const h = new Map<Key, string>();
  for (let n = 1; n < lines.length; n++) {
    const m = /^([a-z][a-z-]*): (.*)$/.exec(lines[n]!);
    if (m === null) return fail('header-syntax', `line ${n + 1} is not "name: value": ${JSON.stringify(lines[n]!.slice(0, 60))}`);
    const key = m[1] as Key;
    if (!(KNOWN as readonly string[]).includes(key)) return fail('unknown-header', `line ${n + 1}: unknown header "${m[1]}"`);
    if (h.has(key)) return fail('duplicate-header', `line ${n + 1}: header "${key}" appears twice`);
    h.set(key, m[2]!);
  }
  const missing = REQUIRED.filter((k) => !h.has(k));
  if (missing.length > 0) return fail('missing-header', `missing header${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`);

  const id = h.get('id')!;
  const from = h.get('from')!;
  const to = h.get('to')!;
  const parts = parseId(id);
  if (parts === null) return fail('bad-id', `id ${JSON.stringify(id)} is not <19-digit time>.<sender>.<6-digit seq>.<pid>`);
  if (id !== fileName) return fail('id-mismatch', `id ${id} does not match the file name ${JSON.stringify(fileName)}`);
  const fromProblem = nameProblem(from);
  if (fromProblem !== null) return fail('bad-name', `sender ${JSON.stringify(from)} ${fromProblem}`);
  const toProblem = nameProblem(to);
  if (toProblem !== null) return fail('bad-name', `recipient ${JSON.stringify(to)} ${toProblem}`);
  if (parts.sender !== from) return fail('sender-mismatch', `id names sender ${parts.sender} but "from" is ${from}`);
  if (options.inbox !== undefined && to !== options.inbox) {
    return fail('wrong-inbox', `addressed to ${to} but found in the inbox of ${options.inbox}`);
  }
  const priority = h.get('priority')!;
  if (!(PRIORITIES as readonly string[]).includes(priority)) {
    return fail('bad-priority', `priority ${JSON.stringify(priority)} is not one of ${PRIORITIES.join(', ')}`);
  }
  const created = h.get('created')!;
  if (!/^(0|[1-9]\d{0,15})$/.test(created)) return fail('bad-created', `created ${JSON.stringify(created)} is not epoch milliseconds`);
  const flagsText = h.get('flags');
  const flags = flagsText === undefined ? [] : flagsText.split(',');
  if (flags.some((f) => !FLAG_PATTERN.test(f)) || new Set(flags).size !== flags.length) {
    return fail('bad-flags', `flags ${JSON.stringify(flagsText)} is not a comma list of distinct lowercase words`);
  }
  const lengthText = h.get('length')!;
  if (!/^(0|[1-9]\d{0,9})$/.test(lengthText)) return fail('bad-length', `length ${JSON.stringify(lengthText)} is not a byte count`);
  const length = Number(lengthText);
  if (length > maxBody) return fail('too-big', `length ${length} is over the limit of ${maxBody} bytes`);
  const body = buf.subarray(end + 2);
  if (body.length < length) return fail('truncated', `truncated: the body has ${body.length} of its ${length} bytes`);
  if (body.length > length) return fail('trailing-bytes', `the body has ${body.length} bytes but length says ${length}`);
  const raw = flags.includes('raw');
  const p = bodyProblem(body, raw, maxBody);
  if (p !== null) return fail(p.code, `body ${p.text}`);
  return {
    ok: true,
    message: { id, from, to, priority: priority as Priority, created: Number(created), flags, body, text: body.toString('utf8') },
  };
}
