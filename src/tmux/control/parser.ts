import type { TmuxEvent } from '../port.js';

/**
 * Parser for tmux control mode (`tmux -C`) output, fed raw bytes.
 *
 * Every command's reply is wrapped in guard lines `%begin <time> <number> <flags>` …
 * `%end|%error <time> <number> <flags>` with the same three values; flags is 1 for commands the
 * control client sent and 0 for the command on its own command line (attach-session). tmux.1:
 * "A notification will never occur inside an output block", so every `%…` line outside a block
 * is a notification. `%output %<pane> <value>` escapes bytes below 0x20 and `\` as `\ooo`
 * octal and sends all other bytes raw, so the stream is split and decoded as bytes.
 */
export type ControlMessage =
  | { kind: 'block'; time: string; number: number; flags: number; ok: boolean; lines: string[] }
  | { kind: 'output'; paneId: string; data: Buffer }
  | { kind: 'notification'; name: string; args: string };

const LF = 0x0a;
const BACKSLASH = 0x5c;
const GUARD = /^%(begin|end|error) (\S+) (\d+) (\d+)$/;

export class ControlParser {
  private partial: Buffer[] = [];
  private block: { time: string; number: number; flags: number; lines: string[]; head: string } | null = null;

  constructor(private readonly emit: (m: ControlMessage) => void) {}

  push(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(LF, start);
      if (nl < 0) break;
      let line = chunk.subarray(start, nl);
      if (this.partial.length > 0) {
        line = Buffer.concat([...this.partial, line]);
        this.partial = [];
      }
      this.line(line);
      start = nl + 1;
    }
    if (start < chunk.length) this.partial.push(chunk.subarray(start));
  }

  /** True while a %begin has been seen without its %end (used to spot a half reply on exit). */
  get inBlock(): boolean {
    return this.block !== null;
  }

  private line(buf: Buffer): void {
    if (this.block) {
      const text = buf.toString('utf8');
      const g = buf[0] === 0x25 /* % */ ? GUARD.exec(text) : null;
      if (g && g[1] !== 'begin' && `${g[2]} ${g[3]} ${g[4]}` === this.block.head) {
        const b = this.block;
        this.block = null;
        this.emit({ kind: 'block', time: b.time, number: b.number, flags: b.flags, ok: g[1] === 'end', lines: b.lines });
      } else {
        this.block.lines.push(text);
      }
      return;
    }
    if (startsWith(buf, '%output ')) {
      const sp = buf.indexOf(0x20, 8);
      if (sp > 8) {
        this.emit({ kind: 'output', paneId: buf.subarray(8, sp).toString('latin1'), data: decodeOctal(buf.subarray(sp + 1)) });
        return;
      }
    }
    if (startsWith(buf, '%extended-output ')) {
      // %extended-output %<pane> <age> … : <value>   (only with pause-after, tmux ≥ 3.2)
      const colon = buf.indexOf(' : ');
      const sp = buf.indexOf(0x20, 17);
      if (colon > 0 && sp > 17) {
        this.emit({ kind: 'output', paneId: buf.subarray(17, sp).toString('latin1'), data: decodeOctal(buf.subarray(colon + 3)) });
        return;
      }
    }
    const text = buf.toString('utf8');
    const g = GUARD.exec(text);
    if (g && g[1] === 'begin') {
      this.block = { time: g[2]!, number: Number(g[3]), flags: Number(g[4]), lines: [], head: `${g[2]} ${g[3]} ${g[4]}` };
      return;
    }
    const m = /^%([a-z-]+)(?: (.*))?$/s.exec(text);
    if (m) this.emit({ kind: 'notification', name: m[1]!, args: m[2] ?? '' });
    else this.emit({ kind: 'notification', name: 'unknown', args: text });
  }
}

function startsWith(buf: Buffer, prefix: string): boolean {
  if (buf.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (buf[i] !== prefix.charCodeAt(i)) return false;
  return true;
}

function isOctal(b: number | undefined): boolean {
  return b !== undefined && b >= 0x30 && b <= 0x37;
}

/** Decodes tmux's `\ooo` escapes; every other byte is taken as it is. */
export function decodeOctal(src: Buffer): Buffer {
  if (src.indexOf(BACKSLASH) < 0) return Buffer.from(src);
  const out = Buffer.allocUnsafe(src.length);
  let o = 0;
  for (let i = 0; i < src.length; i++) {
    const b = src[i]!;
    if (b === BACKSLASH && isOctal(src[i + 1]) && isOctal(src[i + 2]) && isOctal(src[i + 3])) {
      out[o++] = ((src[i + 1]! - 0x30) << 6) | ((src[i + 2]! - 0x30) << 3) | (src[i + 3]! - 0x30);
      i += 3;
    } else {
      out[o++] = b;
    }
  }
  return out.subarray(0, o);
}

/** Maps a notification to the port's event type; unknown ones pass through by name. */
export function notificationEvent(name: string, args: string): TmuxEvent {
  const first = args.split(' ', 1)[0] ?? '';
  switch (name) {
    case 'exit':
      return { type: 'exit', reason: args };
    case 'window-close':
    case 'unlinked-window-close':
      return { type: 'window-close', windowId: first };
    case 'layout-change':
      return { type: 'layout-change', windowId: first };
    case 'sessions-changed':
    case 'session-changed':
      return { type: 'session-changed' };
    default:
      return { type: 'notification', name, args };
  }
}
