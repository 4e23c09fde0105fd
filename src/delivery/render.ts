import type { ParsedMessage } from '../bus/format.js';
import { shortId } from '../core/short-ids.js';

export const DEFAULT_HEADER = '[from {from} #{id}]';
/** Text longer than this goes as a one-line notice pointing at a file, whatever the mode. */
export const DEFAULT_PASTE_MAX = 16 * 1024;

/** Eight hex digits of the id's hash: short enough for a header, the form every verb shows. */
export { shortId };

export function headerFor(template: string | false, msg: ParsedMessage): string {
  if (template === false) return '';
  return template.replaceAll('{from}', msg.from).replaceAll('{id}', shortId(msg.id)).replaceAll('{priority}', msg.priority);
}

export interface RenderOptions {
  header: string | false;
  mode: 'full' | 'notice';
  pasteMax: number;
  /** Where the full text of a message is kept for notices. */
  fileFor: (msg: ParsedMessage) => string;
  /** A plain shell: what miyabi itself sends (tasks, notices) goes in as `# ` comments, never as prose bash would run. */
  shell?: boolean;
}

/** Sender of tasks and notices (agents/tasks-host.ts); a person's `send` to a shell is a command line. */
export const SYSTEM_SENDER = 'miyabi';

/** What is typed for one message: its header, then the text or a notice that points at a file. */
export function render(msg: ParsedMessage, o: RenderOptions): { text: string; notice: boolean } {
  const head = headerFor(o.header, msg);
  const notice = o.mode === 'notice' || msg.body.length > o.pasteMax;
  let body = notice ? `message of ${msg.body.length} bytes from ${msg.from}: read ${o.fileFor(msg)}` : msg.text;
  if (o.shell && msg.from === SYSTEM_SENDER) body = body.split('\n').map((l) => `# ${l}`).join('\n');
  return { text: head ? `${head} ${body}` : body, notice };
}

/**
 * A piece of the typed text to look for in the pane's echo: the end of its last non-blank line,
 * whitespace squeezed (terminals re-flow and pad). Empty when nothing printable is left.
 */
export function probeOf(text: string, max = 24): string {
  const lines = text.split('\n').map((l) => squeeze(l)).filter((l) => l !== '');
  const last = lines[lines.length - 1] ?? '';
  return [...last].slice(-max).join('');
}

export function squeeze(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}
