import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { CommandTable } from '../../../src/ui/conductor/commands.js';
import { runConductor, STAY_HINT } from '../../../src/ui/conductor/repl.js';
import { searchHistory, searchPrompt } from '../../../src/ui/conductor/reverse-search.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The REPL as a terminal on pipes: keys go in as typed bytes; what each `echo` ran is returned. */
async function keys(history: string[], typed: string[], o: { inSession?: boolean } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'miyabi-search-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'h'), history.map((l) => l + '\n').join(''));
  const ran: string[] = [];
  const commands: CommandTable = {
    echo: { summary: '', run: (args) => void ran.push(args.join(' ')) },
    exit: { summary: '', run: (_a, ctx) => ctx.exit() },
  };
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.on('data', (d: Buffer) => (text += d.toString('utf8')));
  const done = runConductor({ socketPath: '/nonexistent', historyFile: join(dir, 'h'), input, output, commands, notices: false, terminal: true, ...o });
  for (const t of typed) {
    input.write(t);
    // Each chunk is read before the next, as keys come from a person.
    await new Promise((r) => setImmediate(r));
  }
  input.end();
  await done;
  return { ran, text };
}

describe('Ctrl-R reverse history search', () => {
  it('finds the newest line holding the text, then older ones', () => {
    const h = ['echo beta two', 'status', 'echo alpha', 'echo beta one']; // newest first
    expect(searchHistory(h, 'beta')).toBe(0);
    expect(searchHistory(h, 'beta', 1)).toBe(3);
    expect(searchHistory(h, 'gamma')).toBe(-1);
    expect(searchHistory(h, '')).toBe(-1);
  });

  it('Enter runs the line found; Ctrl-R again goes further back', async () => {
    const { ran, text } = await keys(['echo beta one', 'echo alpha', 'echo beta two'], ['\x12', 'bet', '\r', '\x12', 'beta', '\x12', '\r']);
    expect(ran).toEqual(['beta two', 'beta one']);
    expect(text).toContain(searchPrompt('bet', false));
  });

  it('says failing when nothing matches, keeping the last match; Ctrl-G puts back what was typed', async () => {
    const { ran, text } = await keys(['echo alpha'], ['echo typed', '\x12', 'alphx', '\x07', '\r']);
    expect(text).toContain(searchPrompt('alphx', true));
    expect(ran).toEqual(['typed']);
  });

  it('an arrow keeps the found line for editing', async () => {
    const { ran } = await keys(['echo alpha'], ['\x12', 'alp', '\x1b[C', ' more', '\r']);
    expect(ran).toEqual(['alpha more']);
  });
});

describe("the session's own conductor", () => {
  it('does not end on exit or C-d: it says how to detach or stop, and goes on', async () => {
    const { ran, text } = await keys([], ['exit\r', '\x04', 'echo still here\r'], { inSession: true });
    expect(ran).toEqual(['still here']);
    expect(text.split(STAY_HINT).length - 1).toBe(2);
  });

  it('outside the session, exit ends it', async () => {
    const { ran } = await keys([], ['exit\r', 'echo never\r']);
    expect(ran).toEqual([]);
  });
});
