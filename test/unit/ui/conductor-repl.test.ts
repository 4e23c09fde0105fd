import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { HistoryFile } from '../../../src/ui/conductor/history.js';
import { runConductor } from '../../../src/ui/conductor/repl.js';
import { startFakeController, type FakeController } from '../../helpers/fake-controller.js';

const dirs: string[] = [];
const controllers: FakeController[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  for (const c of controllers.splice(0)) await c.dispose();
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'miyabi-repl-'));
  dirs.push(d);
  return d;
}

/** Runs the REPL on piped (non-TTY) streams: the lines go in, the transcript comes out. */
async function transcript(lines: string[], opts: { socketPath?: string; historyFile?: string } = {}) {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.on('data', (d: Buffer) => (text += d.toString('utf8')));
  const historyFile = opts.historyFile ?? join(tempDir(), 'history');
  // Notices have their own test (e2e): here only the commands' requests are counted.
  const done = runConductor({ socketPath: opts.socketPath ?? '/nonexistent/ctl.sock', historyFile, input, output, notices: false });
  input.end(lines.map((l) => l + '\n').join(''));
  await done;
  return { text, historyFile };
}

describe('runConductor', () => {
  it('runs lines in order against the controller and ends at end of input', async () => {
    const fc = await startFakeController();
    controllers.push(fc);
    const { text, historyFile } = await transcript(['ping', 'status', 'nope', ''], { socketPath: fc.socketPath });
    expect(text.startsWith('miyabi conductor; type help for the commands\nmiyabi> ')).toBe(true);
    expect(text).toMatch(/pong from controller pid 31337/);
    expect(text).toMatch(/session {5}demo-session/);
    expect(text).toContain('unknown command nope; type help');
    expect(text.indexOf('pong')).toBeLessThan(text.indexOf('session '));
    expect(fc.requests).toEqual(['ping', 'status']);
    expect(readFileSync(historyFile, 'utf8')).toBe('ping\nstatus\nnope\n');
  });

  it('stops at exit and ignores what follows', async () => {
    const fc = await startFakeController();
    controllers.push(fc);
    const { text } = await transcript(['exit', 'ping'], { socketPath: fc.socketPath });
    expect(text).not.toContain('pong');
    expect(fc.requests).toEqual([]);
  });

  it('reports a missing controller with a hint and goes on', async () => {
    const { text } = await transcript(['ping', 'help']);
    expect(text).toContain('error: the controller is not running');
    expect(text).toContain('hint: start it with `miyabi up`');
    expect(text).toContain('status [--json]');
  });
});

describe('HistoryFile', () => {
  it('loads oldest first, appends, skips blanks and immediate repeats, creates its folder', () => {
    const file = join(tempDir(), 'state', 'h');
    const h = new HistoryFile(file);
    expect(h.load()).toEqual([]);
    for (const l of ['a', 'a', '  ', 'b', 'a']) h.append(l);
    expect(readFileSync(file, 'utf8')).toBe('a\nb\na\n');
    expect(new HistoryFile(file).load()).toEqual(['a', 'b', 'a']);
  });

  it('keeps the newest lines up to the cap', () => {
    const file = join(tempDir(), 'h');
    writeFileSync(file, Array.from({ length: 25 }, (_, i) => `c${i}\n`).join(''));
    const h = new HistoryFile(file, 10);
    expect(h.load()).toEqual(Array.from({ length: 10 }, (_, i) => `c${i + 15}`));
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(10);
    for (let i = 0; i < 5; i++) h.append(`n${i}`);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines.length).toBeLessThanOrEqual(11);
    expect(lines.at(-1)).toBe('n4');
  });
});
