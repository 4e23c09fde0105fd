import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { builtEntry } from '../helpers/built-entry.js';
import { samplePanes, startFakeController, type FakeController } from '../helpers/fake-controller.js';
import { KEY, startInTerminal, type TerminalSession } from '../helpers/terminal.js';
import { until } from '../helpers/project.js';

/** The conductor REPL in a real terminal against a fake controller, typed at as a person would. */
let entry: string;
beforeAll(() => {
  entry = builtEntry('ui/conductor/main.js', ['ui', 'ipc', 'core', 'cli']);
}, 180_000);

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function start(history?: string): Promise<{ fc: FakeController; term: TerminalSession; historyFile: string }> {
  const fc = await startFakeController();
  cleanups.push(() => fc.dispose());
  const dir = mkdtempSync(join(tmpdir(), 'miyabi-cond-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const historyFile = join(dir, 'state', 'conductor-history');
  if (history !== undefined) {
    mkdirSync(join(dir, 'state'));
    writeFileSync(historyFile, history);
  }
  const term = await startInTerminal([process.execPath, entry, '--socket', fc.socketPath, '--history', historyFile]);
  cleanups.push(() => term.close());
  await term.waitForScreen((l) => l.some((x) => x.startsWith('miyabi>')));
  return { fc, term, historyFile };
}

/** Rows after the last prompt line that shows `cmd`. */
function outputOf(lines: string[], cmd: string): string[] {
  const at = lines.map((l) => l.trimEnd()).lastIndexOf(`miyabi> ${cmd}`);
  return at === -1 ? [] : lines.slice(at + 1);
}

describe('conductor in a terminal', () => {
  it('runs status, rejects an unknown command, exits 0 on exit, and records the history', async () => {
    const { term, historyFile } = await start();
    term.type('status' + KEY.enter);
    let screen = await term.waitForText('agent-2');
    const out = outputOf(screen, 'status');
    expect(out.some((l) => /^session\s+demo-session/.test(l))).toBe(true);
    expect(out.some((l) => /^ROLE\s+NAME\s+PANE\s+PID\s+STATE\s+COMMAND/.test(l))).toBe(true);
    for (const p of samplePanes()) expect(out.some((l) => l.includes(p.name) && l.includes(p.paneId))).toBe(true);

    term.type('bogus --x' + KEY.enter);
    screen = await term.waitForText('unknown command bogus; type help');
    // A fresh prompt follows: the REPL is still alive.
    await term.waitForScreen((l) => l[l.findLastIndex((x) => x.length > 0)] === 'miyabi>');

    term.type('exit' + KEY.enter);
    expect(await term.waitForExit()).toBe(0);
    expect(readFileSync(historyFile, 'utf8')).toBe('status\nbogus --x\nexit\n');
  });

  it('lists the commands, answers ping and status --json, and ends on C-d', async () => {
    const { term } = await start();
    term.type('help' + KEY.enter);
    const screen = await term.waitForText('quit');
    for (const c of ['help', 'status [--json]', 'ping', 'clear', 'exit']) {
      expect(outputOf(screen, 'help').some((l) => l.trimStart().startsWith(c))).toBe(true);
    }
    term.type('ping' + KEY.enter);
    await term.waitForText('pong from controller pid 31337');
    term.type('status --json' + KEY.enter);
    await term.waitForText('"session": "demo-session"', { scrollback: true });
    term.type(KEY.ctrlD);
    expect(await term.waitForExit()).toBe(0);
  });

  it('brings back history from the file with the up arrow', async () => {
    const { term, historyFile } = await start('ping\nstatus --json\n');
    term.type(KEY.up);
    await term.waitForScreen((l) => l.some((x) => x.startsWith('miyabi> status --json')));
    term.type(KEY.up + KEY.enter);
    await term.waitForText('pong from controller');
    term.type('quit' + KEY.enter);
    expect(await term.waitForExit()).toBe(0);
    expect(readFileSync(historyFile, 'utf8')).toBe('ping\nstatus --json\nping\nquit\n');
  });

  it('prints controller errors with their hint, survives the controller going away, and reconnects', async () => {
    const { fc, term } = await start();
    term.type('status "unterminated' + KEY.enter);
    await term.waitForText('error: unterminated double quote');

    await fc.stop();
    term.type('ping' + KEY.enter);
    await term.waitForText('error: the controller is not running');
    await term.waitForText('hint: start it with `miyabi up`');

    await fc.start();
    term.type('ping' + KEY.enter);
    await term.waitForText('pong from controller pid 31337');
    term.type('clear' + KEY.enter);
    await term.waitForScreen((l) => l[0] === 'miyabi>' && !l.some((x) => x.includes('pong')));
    term.type('exit' + KEY.enter);
    expect(await term.waitForExit()).toBe(0);
  });

  it('C-c clears the line being typed instead of leaving', async () => {
    const { fc, term } = await start();
    term.type('stat');
    await term.waitForText('miyabi> stat');
    term.type(KEY.ctrlC);
    term.type('ping' + KEY.enter);
    await term.waitForText('pong from controller');
    expect(term.exitStatus()).toBeNull();
    expect(fc.requests).not.toContain('status');
    term.type('exit' + KEY.enter);
    expect(await term.waitForExit()).toBe(0);
  });

  it('prints pipeline notices above the prompt and keeps the line being typed', async () => {
    const { fc, term } = await start();
    await until(() => fc.subscriberCount() > 0, 'the conductor subscribed to notices');
    term.type('sta');
    await term.waitForScreen((l) => l.some((x) => x.trimEnd() === 'miyabi> sta'));
    fc.emit('conductor.notify', { runId: 'dev-1', message: 'pipeline development run dev-1: containerize failed' });
    fc.emit('stage.escalated', { runId: 'dev-1', stage: 'containerize', attempts: 3, error: 'docker exited with code 1' });
    fc.emit('run.finished', { runId: 'dev-1', outcome: 'failed', durationMs: 4200 });
    fc.emit('message.delivered', { id: 'x' });
    const screen = await term.waitForText('[run] dev-1: failed in 4.2 s');
    const at = screen.findIndex((l) => l.startsWith('[notify] pipeline development run dev-1: containerize failed'));
    expect(at).toBeGreaterThan(-1);
    expect(screen[at + 1]).toBe('[run] dev-1: containerize escalated after 3 tries: docker exited with code 1');
    expect(screen.some((l) => l.includes('message.delivered') || l.includes('"x"'))).toBe(false);
    // The half-typed command is still there, and runs when finished.
    await term.waitForScreen((l) => l[l.findLastIndex((x) => x.length > 0)]?.trimEnd() === 'miyabi> sta');
    term.type('tus' + KEY.enter);
    await term.waitForText('agent-2');
  });
});

