import { closeSync, existsSync, openSync, readSync, statSync, watch } from 'node:fs';
import { join } from 'node:path';
import { MiyabiError } from '../../core/errors.js';
import { renderText } from '../../core/render-text.js';
import { cliContext, type GlobalOptions } from '../context.js';

function lastLines(file: string, n: number): { text: string; size: number } {
  const size = statSync(file).size;
  const len = Math.min(size, Math.max(64 * 1024, n * 400));
  const buf = Buffer.alloc(len);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buf, 0, len, size - len);
  } finally {
    closeSync(fd);
  }
  const lines = buf.toString('utf8').split('\n');
  return { text: lines.slice(-n - 1).join('\n'), size };
}

/** `miyabi tail <agent>`: what the agent's pane printed, without terminal escapes. */
export async function tail(o: GlobalOptions & { agent: string; follow?: boolean; lines?: string }): Promise<number> {
  const { paths } = cliContext(o);
  const n = Number(o.lines ?? 20);
  if (!Number.isInteger(n) || n < 0) throw new MiyabiError('USAGE', `-n must be a whole number, not "${o.lines}"`);
  const file = join(paths.logs, `${o.agent}.txt`);
  if (!existsSync(file)) throw new MiyabiError('NOT_FOUND', `no output recorded for "${o.agent}" (${file})`, { hint: 'miyabi status lists the panes' });
  const first = lastLines(file, n);
  // Carriage returns and backspaces as the terminal showed them (a progress bar is its last state).
  process.stdout.write(renderText(first.text));
  if (!o.follow) {
    if (!first.text.endsWith('\n')) process.stdout.write('\n');
    return 0;
  }
  let pos = first.size;
  let partial = '';
  const pump = () => {
    const size = statSync(file).size;
    if (size < pos) pos = 0;
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
    partial += buf.toString('utf8');
    const cut = partial.lastIndexOf('\n');
    if (cut === -1) return;
    process.stdout.write(renderText(partial.slice(0, cut + 1)));
    partial = partial.slice(cut + 1);
  };
  const w = watch(file, pump);
  await new Promise<void>((resolve) => process.once('SIGINT', resolve));
  w.close();
  return 0;
}
