import { closeSync, existsSync, openSync, readSync, statSync, watch } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { MiyabiError } from '../../core/errors.js';
import { readTail } from '../../core/log-tail.js';
import { agentOutputLog } from '../../core/paths.js';
import { renderText } from '../../core/render-text.js';
import { cliContext, type GlobalOptions } from '../context.js';

function lastLines(file: string, n: number): { text: string; size: number } {
  const { text, size } = readTail(file, Math.max(64 * 1024, n * 400));
  return { text: text.split('\n').slice(-n - 1).join('\n'), size };
}

/** `miyabi tail <agent>`: what the agent's pane printed, rendered as its terminal showed it. */
export async function tail(o: GlobalOptions & { agent: string; follow?: boolean; lines?: string }): Promise<number> {
  const { paths } = cliContext(o);
  const n = Number(o.lines ?? 20);
  if (!Number.isInteger(n) || n < 0) throw new MiyabiError('USAGE', `-n must be a whole number, not "${o.lines}"`);
  const file = agentOutputLog(paths.logs, o.agent);
  if (!existsSync(file)) throw new MiyabiError('NOT_FOUND', `no output recorded for "${o.agent}" (${file})`, { hint: 'miyabi status lists the panes' });
  const first = lastLines(file, n);
  // Carriage returns, backspaces and cursor moves as the terminal showed them (a progress bar is
  // its last state, bash's redraw of a pasted line lands over the line, not after it).
  const shown = renderText(first.text);
  process.stdout.write(shown);
  if (!o.follow) {
    if (!first.text.endsWith('\n')) process.stdout.write('\n');
    return 0;
  }
  let pos = first.size;
  // The unfinished last line (a shell's prompt) is rendered again with the rest of it once that
  // comes: bash's redraw after a paste goes back over the prompt, so it needs the prompt's bytes.
  let partial = first.text.slice(first.text.lastIndexOf('\n') + 1);
  let printed = shown.slice(shown.lastIndexOf('\n') + 1);
  // A character whose bytes come in two reads is decoded once they are both there.
  const utf8 = new StringDecoder('utf8');
  const pump = () => {
    const size = statSync(file).size;
    if (size < pos) [pos, partial, printed] = [0, '', ''];
    if (size === pos) return;
    const buf = Buffer.alloc(size - pos);
    const fd = openSync(file, 'r');
    try {
      readSync(fd, buf, 0, buf.length, pos);
    } finally {
      closeSync(fd);
    }
    pos = size;
    // Whole lines only, so a line's carriage returns are rendered together.
    partial += utf8.write(buf);
    const cut = partial.lastIndexOf('\n');
    if (cut === -1) return;
    const text = renderText(partial.slice(0, cut + 1));
    // What is on screen already stays; a line redrawn from its start is shown whole below it.
    process.stdout.write(text.startsWith(printed) ? text.slice(printed.length) : `\n${text}`);
    partial = partial.slice(cut + 1);
    printed = '';
  };
  const w = watch(file, pump);
  await new Promise<void>((resolve) => process.once('SIGINT', resolve));
  w.close();
  return 0;
}
