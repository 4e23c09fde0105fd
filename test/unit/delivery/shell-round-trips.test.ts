import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { deliveryFor } from '../../../src/agents/states/profiles.js';
import { ensureInbox } from '../../../src/bus/layout.js';
import { writeMessage } from '../../../src/bus/writer.js';
import { Deliverer, type JournalLike } from '../../../src/delivery/deliverer.js';
import { OutputTracker } from '../../../src/delivery/output-tracker.js';
import { PaneLocks } from '../../../src/delivery/pane-locks.js';
import { DEFAULT_PASTE_MAX } from '../../../src/delivery/render.js';
import { Typist, type PaneRunner } from '../../../src/delivery/typist.js';

/**
 * A shell pane behind a fake tmux port that counts every command delivery sends. What a shell
 * costs per message is the floor the full-screen work must not raise: a look at the whole screen
 * (capture-pane with no line range), or a wait that only a timer ends (a sign the shell never
 * shows), would slow every shell-pane delivery however quiet the machine.
 */
class ShellPane {
  readonly sent: string[] = [];
  private history = 0;
  private input = '';
  private readonly buffers = new Map<string, string>();

  constructor(private readonly tracker: OutputTracker) {}

  private print(s: string): void {
    // tmux's %output comes after the command's reply, on its own.
    setImmediate(() => this.tracker.feed('%1', Buffer.from(s)));
  }

  private answer(verb: string, args: readonly string[]): string[] {
    this.sent.push([verb, ...args].join(' '));
    switch (verb) {
      case 'display-message':
        return [`%1|0|0|0|${this.history}|0`];
      case 'capture-pane':
        if (args.includes('-S')) return [`$ ${this.input}`];
        return [`$ ${this.input}`, ...Array.from({ length: 23 }, () => '')];
      case 'load-buffer':
        this.buffers.set(args[1] as string, readFileSync(args[2] as string, 'utf8'));
        return [];
      case 'if-shell': {
        const name = /-b (\S+)/.exec(args[3] ?? '')?.[1] ?? '';
        const text = this.buffers.get(name) ?? '';
        this.buffers.delete(name);
        this.input += text;
        this.print(text);
        return [];
      }
      case 'send-keys':
        this.input = '';
        this.history++;
        this.print('\r\n$ ');
        return [];
      default:
        throw new Error(`the shell-pane fake does not know ${verb}`);
    }
  }

  runner(): PaneRunner {
    return {
      run: async (verb, args = []) => this.answer(verb, args),
      pane: (id) => ({ id, run: async (verb, args = []) => this.answer(verb, args) }),
    } as PaneRunner;
  }
}

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'miyabi-shell-rt-'));
  // Only the clock and the timers are fake: a delivery that waits on a timer never ends here.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
  rmSync(dir, { recursive: true, force: true });
});

describe('a message into a plain shell pane', () => {
  it('costs at most 9 tmux commands, none of them a whole-screen read, and no wait a timer ends', async () => {
    const busDir = join(dir, 'bus');
    ensureInbox(busDir, 'sh');
    const tracker = new OutputTracker(join(dir, 'logs'));
    tracker.track('%1', 'sh');
    const pane = new ShellPane(tracker);
    const delivered: string[][] = [];
    const journal = {
      append: () => undefined,
      appendDurable: (type: string, payload: { ids?: string[]; outcome?: string }) => {
        if (type === 'message.delivered' || type === 'message.failed') delivered.push([type, payload.outcome ?? '']);
      },
    } as unknown as JournalLike;
    const profile = { ...deliveryFor(['bash']), settleMs: 0 };
    const deliverer = new Deliverer({
      busDir,
      typist: new Typist(pane.runner(), join(dir, 'paste')),
      tracker,
      locks: new PaneLocks(),
      journal,
      inflight: new Map(),
      delaysFile: join(dir, 'submit-delays.json'),
      recipient: () => ({ name: 'sh', paneId: '%1', profile, header: false, mode: 'full', batch: false, pasteMax: DEFAULT_PASTE_MAX }),
    });
    const N = 5;
    for (let i = 0; i < N; i++) {
      writeMessage(busDir, { from: 'me', to: 'sh', text: `echo message ${i}` });
      deliverer.kick('sh');
      // Only real turns of the event loop pass here, never the fake clock.
      for (let turns = 0; delivered.length <= i && turns < 1000; turns++) await new Promise((r) => setImmediate(r));
      expect(delivered[i], `message ${i} delivered without a timer`).toEqual(['message.delivered', 'submitted']);
    }
    deliverer.close();
    tracker.close();

    const perVerb: Record<string, number> = {};
    for (const c of pane.sent) perVerb[c.split(' ', 1)[0] as string] = (perVerb[c.split(' ', 1)[0] as string] ?? 0) + 1;
    // Today: readiness 2 (state, cursor line), paste 4 (load-buffer, state, if-shell, state),
    // the key 1, its confirmation 2 (state, cursor line). Fewer is welcome; more is a regression.
    expect(pane.sent.length / N).toBeLessThanOrEqual(9);
    expect(perVerb).toEqual({ 'display-message': 4 * N, 'capture-pane': 2 * N, 'load-buffer': N, 'if-shell': N, 'send-keys': N });
    expect(pane.sent.filter((c) => c.startsWith('capture-pane') && !c.includes('-S')), 'whole-screen reads').toEqual([]);
  });
});
