import { mkdirSync, unlinkSync } from 'node:fs';
import { writeFileNoFollow } from '../core/no-follow.js';
import { join } from 'node:path';
import { MiyabiError } from '../core/errors.js';
import type { TmuxPort } from '../tmux/port.js';
import type { DeliveryProfile } from './profiles.js';
import { typedText } from './screen-cells.js';
import type { Shot } from './screen.js';

/** The slice of the tmux port typing needs: every pane command goes through `pane(id)`. */
export type PaneRunner = Pick<TmuxPort, 'run' | 'pane'>;

export interface PaneState {
  gone: boolean;
  dead: boolean;
  inMode: boolean;
  cursorY: number;
  /** Lines in the pane's history: history + cursor line is an absolute line number. */
  historySize: number;
  /** The program is on the alternate screen (a full-screen program). */
  alt: boolean;
}

let bufferSeq = 0;

/**
 * Types text into a pane the one way that is safe on tmux 3.3a (RELIABILITY.md, hazards 1–7):
 * the text goes to tmux as a file (`load-buffer <our path>`), never as an argument, so no key
 * name, `;`, format or size limit applies; `paste-buffer -p` brackets it when the program asked
 * for bracketed paste; the submit key is its own `send-keys`; copy mode is left first; and a dead
 * pane is never pasted into (that crashes a 3.3a server).
 */
export class Typist {
  constructor(
    private readonly tmux: PaneRunner,
    private readonly pasteDir: string,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    mkdirSync(pasteDir, { recursive: true, mode: 0o700 });
  }

  async state(paneId: string): Promise<PaneState> {
    // display -t on a pane that is gone still answers rc 0, with every format empty.
    const [line = ''] = await this.tmux
      .pane(paneId)
      .run('display-message', ['-p', '#{pane_id}|#{pane_dead}|#{pane_in_mode}|#{cursor_y}|#{history_size}|#{alternate_on}']);
    const [id, dead, mode, cy, hs, alt] = line.split('|');
    if (id !== paneId) return { gone: true, dead: true, inMode: false, cursorY: 0, historySize: 0, alt: false };
    return { gone: false, dead: dead === '1', inMode: mode === '1', cursorY: Number(cy) || 0, historySize: Number(hs) || 0, alt: alt === '1' };
  }

  /** The line the cursor is on, as a person reads it: dim placeholder text left out. */
  async cursorLine(paneId: string, st?: PaneState): Promise<string> {
    const s = st ?? (await this.state(paneId));
    const y = String(s.cursorY);
    const [line = ''] = await this.tmux.pane(paneId).run('capture-pane', ['-p', '-e', '-S', y, '-E', y]);
    return typedText(line);
  }

  /** The visible screen, row by row as a person reads it (dim placeholder text left out). */
  async shot(paneId: string, st?: PaneState): Promise<Shot> {
    const s = st ?? (await this.state(paneId));
    const rows = await this.tmux.pane(paneId).run('capture-pane', ['-p', '-e']);
    return { rows: rows.map(typedText), cursorY: s.cursorY, alt: s.alt };
  }

  async screen(paneId: string, scrollback = 0): Promise<string> {
    const args = ['-p', '-J'];
    if (scrollback > 0) args.push('-S', String(-scrollback));
    return (await this.tmux.pane(paneId).run('capture-pane', args)).join('\n');
  }

  /** What the pane shows from absolute line `line` (history + cursor_y, as `state` gives) on. */
  async screenSince(paneId: string, line: number): Promise<string> {
    const st = await this.state(paneId);
    const start = Math.max(line - st.historySize, -st.historySize);
    return (await this.tmux.pane(paneId).run('capture-pane', ['-p', '-J', '-S', String(start)])).join('\n');
  }

  private async assertLive(paneId: string): Promise<PaneState> {
    const st = await this.state(paneId);
    if (st.gone || st.dead) {
      throw new MiyabiError('TMUX_PANE_GONE', `pane ${paneId} is ${st.gone ? 'gone' : 'dead'}; the message stays queued`);
    }
    if (st.inMode) await this.tmux.pane(paneId).run('copy-mode', ['-q']);
    return st;
  }

  /** Pastes `text`; resolves once tmux has taken it. */
  async paste(paneId: string, text: string): Promise<void> {
    const name = `miyabi-${process.pid}-${++bufferSeq}`;
    const file = join(this.pasteDir, name);
    writeFileNoFollow(file, text);
    try {
      await this.tmux.run('load-buffer', ['-b', name, file]);
      await this.assertLive(paneId);
      // The check and the paste in one server-side step: a pane that dies between two round trips
      // must still never get a paste (that crashes a tmux 3.3a server).
      // if-shell answers twice in control mode: once itself, once for the command it ran.
      await this.tmux.pane(paneId).run('if-shell', ['-F', '#{pane_dead}', `delete-buffer -b ${name}`, `paste-buffer -p -d -r -b ${name} -t ${paneId}`], { blocks: 2 });
      const after = await this.state(paneId);
      if (after.gone || after.dead) throw new MiyabiError('TMUX_PANE_GONE', `pane ${paneId} died as the message went in`);
    } catch (e) {
      await this.tmux.run('delete-buffer', ['-b', name]).catch(() => undefined);
      throw e;
    } finally {
      try {
        unlinkSync(file);
      } catch {
        // already gone
      }
    }
  }

  /**
   * Sends the profile's submit key after its delay. `careful` (a retry) first checks the pane and
   * takes it out of any mode; the first try skips that round trip, since the pane has just echoed
   * the paste, and a submit key lost to a mode is caught by the check that follows and retried.
   */
  async submit(paneId: string, profile: DeliveryProfile, careful = true): Promise<void> {
    if (profile.submitDelayMs > 0) await this.sleep(profile.submitDelayMs);
    if (careful) await this.assertLive(paneId);
    await this.tmux.pane(paneId).run('send-keys', [profile.submitKey]);
  }
}
