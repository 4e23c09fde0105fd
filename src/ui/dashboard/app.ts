import blessed from 'blessed';
import { ControllerLink, type LinkClient } from './link.js';
import {
  applyStatus,
  initialModel,
  moveSelection,
  selectFirst,
  selectLast,
  withConnection,
  withNotice,
  type DashboardModel,
} from './model.js';
import { PaneList } from './pane-list.js';
import { detailLines, headerText, KEY_HELP } from './view.js';
import { applyRunEvent, runLines, RUNS_SHOWN, runsFromList, type RunRowIn } from './runs.js';

export interface DashboardOptions {
  /** The controller's IPC socket (projectPaths(root).socket). */
  socketPath: string;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  /** Status poll period (uptime); default 2000 ms. */
  pollMs?: number;
  /** For tests: how to open a connection. */
  connect?: (socketPath: string) => Promise<LinkClient>;
}

/**
 * The blessed dashboard: header (session, controller pid, uptime, connection), the pane table, a
 * detail box for the selected pane and a key-help footer. Resolves when the user leaves (q, C-c),
 * after the terminal is restored. Losing the controller is shown, never fatal.
 */
export function runDashboard(opts: DashboardOptions): Promise<void> {
  return new Promise<void>((resolve) => {
    const screen = blessed.screen({
      smartCSR: true,
      fullUnicode: false,
      autoPadding: true,
      warnings: false,
      title: 'miyabi dashboard',
      input: opts.input as NodeJS.ReadableStream | undefined,
      output: opts.output as NodeJS.WritableStream | undefined,
    } as blessed.Widgets.IScreenOptions);

    const header = blessed.box({
      parent: screen,
      top: 0,
      left: 0,
      width: '100%',
      height: 1,
      tags: false,
      style: { fg: 'white', bg: 'blue', bold: true },
    });
    const panes = new PaneList(screen, { top: 1, height: '50%-3' });
    const runs = blessed.box({
      parent: screen,
      top: '50%-2',
      left: 0,
      width: '100%',
      height: RUNS_SHOWN + 2,
      border: { type: 'line' },
      label: ' pipeline runs ',
      tags: false,
    });
    const detail = blessed.box({
      parent: screen,
      top: `50%+${RUNS_SHOWN}`,
      left: 0,
      width: '100%',
      bottom: 1,
      border: { type: 'line' },
      label: ' detail ',
      tags: false,
    });
    blessed.box({
      parent: screen,
      bottom: 0,
      left: 0,
      width: '100%',
      height: 1,
      tags: false,
      content: KEY_HELP,
      style: { fg: 'black', bg: 'white' },
    });

    let model: DashboardModel = initialModel();
    let left = false;

    const render = () => {
      if (left) return;
      try {
        header.setContent(' ' + headerText(model));
        panes.update(model);
        runs.setContent(runLines(model.runs, (runs.width as number) - 2).join('\n'));
        detail.setContent(detailLines(model).join('\n'));
        screen.render();
      } catch {
        // A render hiccup (a resize mid-draw) must not take the dashboard down; the next one heals.
      }
    };
    const update = (next: DashboardModel) => {
      model = next;
      render();
    };

    const link = new ControllerLink({
      socketPath: opts.socketPath,
      pollMs: opts.pollMs,
      connect: opts.connect,
      onStatus: (st) => update(applyStatus(model, st)),
      onConnection: (c) => {
        update(withConnection(model, c));
        if (c.kind !== 'connected') return;
        // The runs so far; from here on the journal events keep them current.
        link
          .request('runs.list', { limit: RUNS_SHOWN })
          .then((rows) => update({ ...model, runs: runsFromList(rows) }))
          .catch(() => undefined);
      },
      onEvent: (e) => {
        const next = applyRunEvent(model.runs, e);
        if (next !== model.runs) update({ ...model, runs: next });
      },
      onError: (msg) => update(withNotice(model, msg)),
    });

    const leave = () => {
      if (left) return;
      left = true;
      link.stop();
      process.off('SIGTERM', leave);
      process.off('SIGHUP', leave);
      screen.destroy();
      resolve();
    };

    screen.key(['j', 'down'], () => update(moveSelection(model, 1)));
    screen.key(['k', 'up'], () => update(moveSelection(model, -1)));
    screen.key(['g', 'home'], () => update(selectFirst(model)));
    screen.key(['S-g', 'end'], () => update(selectLast(model)));
    screen.key(['r'], () => link.refresh());
    screen.key(['q', 'C-c'], leave);
    screen.on('resize', render);
    process.once('SIGTERM', leave);
    process.once('SIGHUP', leave);

    render();
    link.start();
  });
}
