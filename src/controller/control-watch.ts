import type { Journal } from '../core/journal.js';
import type { TmuxEvent, TmuxPort } from '../tmux/port.js';

export interface ControlWatchDeps {
  tmux: Pick<TmuxPort, 'attachControl' | 'hasSession'>;
  session: string;
  journal: Pick<Journal, 'append'>;
  log(line: string): void;
  stopping(): boolean;
  /** Pane output, as the control client reads it. */
  onOutput(paneId: string, data: Buffer): void;
  /** The session is gone (a clean "no such session", never a timeout). */
  onGone(): Promise<void>;
}

/**
 * The controller's control client: attached while the session lives, re-attached (backing off
 * up to 5 s between tries) when only the client was lost, and the session's end told once seen.
 */
export class ControlWatch {
  private attaching = false;

  constructor(private readonly d: ControlWatchDeps) {}

  async attach(): Promise<void> {
    if (this.attaching) return;
    this.attaching = true;
    try {
      for (let wait = 100; !this.d.stopping(); wait = Math.min(wait * 2, 5000)) {
        try {
          await this.d.tmux.attachControl(this.d.session, (e) => this.onEvent(e));
          return;
        } catch (e) {
          this.d.log(`control client: ${String(e)}`);
          if ((await this.sessionState()) === 'gone') return this.d.onGone();
          await new Promise((r) => setTimeout(r, wait));
        }
      }
    } finally {
      this.attaching = false;
    }
  }

  private onEvent(e: TmuxEvent): void {
    if (e.type === 'output') {
      this.d.onOutput(e.paneId, e.data);
    } else if (e.type === 'exit') {
      // The client is gone: the session ended, or only the client did (killed, detached, a
      // restart that failed). Output stops reaching delivery and logs until it is back.
      void this.sessionState().then((st) => {
        if (st === 'gone') return this.d.onGone();
        this.d.journal.append('tmux.control-lost', { reason: e.reason });
        return this.attach();
      });
    } else if (e.type === 'window-close' || e.type === 'session-changed') {
      void this.sessionState().then((st) => (st === 'gone' ? this.d.onGone() : undefined));
    } else if (e.type === 'client-restarted') {
      this.d.journal.append('tmux.control-restarted', { reason: e.reason });
    }
  }

  /** Only a clean "no such session" means gone; a timeout or a busy server is not proof. */
  private async sessionState(): Promise<'alive' | 'gone' | 'unknown'> {
    try {
      return (await this.d.tmux.hasSession(this.d.session)) ? 'alive' : 'gone';
    } catch {
      return 'unknown';
    }
  }
}
