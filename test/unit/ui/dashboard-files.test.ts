import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lastLine, tailLines } from '../../../src/ui/dashboard/files.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function log(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'miyabi-files-'));
  dirs.push(dir);
  const f = join(dir, 'sh.log');
  writeFileSync(f, text);
  return f;
}

// What bash 5.2 wrote for a pasted line and Enter (see test/unit/core/render-text.test.ts).
const PASTE =
  '\x1b[?2004hsh$ \x1b[7mhello from the conductor\x1b[27m\r' + '\x1b[C'.repeat(4) + 'hello from the conductor\r\n' +
  '\x1b[?2004l\rbash: hello: command not found\r\n\x1b[?2004hsh$ ';

describe('the preview reads the raw log', () => {
  it('shows a pasted line once, as the pane did', () => {
    const f = log(PASTE);
    expect(tailLines(f, 10)).toEqual(['sh$ hello from the conductor', 'bash: hello: command not found', 'sh$ ']);
    expect(lastLine(f)).toBe('sh$');
  });

  it('leaves out the cut first line of a read from mid-file (half an escape, say)', () => {
    const f = log('\x1b[31mold red line\x1b[0m\r\nsecond\r\nthird\r\n');
    // 20 bytes from the end start inside the first line's closing `ESC[0m`, at its `[`.
    expect(tailLines(f, 10, 20)).toEqual(['second', 'third']);
    expect(tailLines(f, 10)).toEqual(['old red line', 'second', 'third']);
  });

  it('is empty for a log not there', () => {
    expect(tailLines(join(tmpdir(), 'miyabi-no-such-dir', 'x.log'), 5)).toEqual([]);
  });
});
