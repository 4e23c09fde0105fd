import type { EventPayload } from '../core/events/index.js';
import type { Journal } from '../core/journal.js';
import type { PaneInfo, TmuxPort } from '../tmux/port.js';

/**
 * One `list-panes` per tick for the whole session (through the control client): the cheap,
 * reliable way to notice a pane that died, since tmux 3.3a sends no control-mode notification
 * for it under remain-on-exit (RELIABILITY.md, hazard 13).
 */
export class PaneSweeper {
  private timer?: NodeJS.Timeout;
  private running = false;
  private readonly dead = new Map<string, boolean>();

  constructor(
    private readonly tmux: TmuxPort,
    private readonly session: string,
    initial: PaneInfo[],
    private readonly journal: Journal,
    private readonly everyMs: number,
    private readonly onPanes: (panes: PaneInfo[]) => void = () => undefined,
  ) {
    for (const p of initial) this.dead.set(p.paneId, p.dead);
  }

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** A tick asked for while one runs (tmux's pane-died hook): run once more right after it. */
  private again = false;

  async tick(): Promise<void> {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    this.again = false;
    try {
      const panes = await this.tmux.listPanes(this.session);
      this.onPanes(panes);
      const seen = new Set<string>();
      for (const p of panes) {
        seen.add(p.paneId);
        const was = this.dead.get(p.paneId);
        if (was === undefined) this.journal.append('pane.appeared', fields(p));
        else if (was !== p.dead) this.journal.append(p.dead ? 'pane.died' : 'pane.alive', fields(p));
        this.dead.set(p.paneId, p.dead);
      }
      for (const id of [...this.dead.keys()]) {
        if (!seen.has(id)) {
          this.dead.delete(id);
          this.journal.append('pane.gone', { paneId: id });
        }
      }
    } catch {
      // The session may be going away; the control client's %exit decides that.
    } finally {
      this.running = false;
      if (this.again) void this.tick();
    }
  }
}

function fields(p: PaneInfo): EventPayload<'pane.appeared'> {
  return { name: p.agent, role: p.role, paneId: p.paneId, pid: p.pid, deadStatus: p.deadStatus };
}
