import { describe, expect, it } from 'vitest';
import { paneHandlers } from '../../../src/controller/handlers/panes.js';
import type { TmuxPort } from '../../../src/tmux/port.js';

/** A tmux stand-in that records the commands and answers the zoom flag and the client list. */
function fakeTmux(zoomed: boolean, clients: string[]) {
  const ran: string[] = [];
  const tmux = {
    listPanes: async () => [{ paneId: '%3', windowName: 'agents' }],
    pane: (id: string) => ({
      id,
      run: async (verb: string, args: string[] = []) => {
        ran.push([verb, '-t', id, ...args].join(' '));
        return verb === 'display-message' ? [zoomed ? '1' : '0'] : [];
      },
    }),
    run: async (verb: string, args: string[] = []) => {
      ran.push([verb, ...args].join(' '));
      return verb === 'list-clients' ? clients : [];
    },
  } as unknown as TmuxPort;
  return { tmux, ran };
}
const conn = {} as never;

describe('the panes part: focus and detach', () => {
  it('focus selects the window and pane and zooms it (toggling only when it is not zoomed yet)', async () => {
    const a = fakeTmux(false, []);
    expect(await paneHandlers({ tmux: a.tmux, session: 's' }).focus({ paneId: '%3', zoom: true }, conn)).toEqual({ paneId: '%3', window: 'agents', zoomed: true });
    expect(a.ran).toEqual(['select-window -t %3', 'select-pane -t %3', 'display-message -t %3 -p #{window_zoomed_flag}', 'resize-pane -t %3 -Z']);
    const b = fakeTmux(true, []);
    await paneHandlers({ tmux: b.tmux, session: 's' }).focus({ paneId: '%3', zoom: true }, conn);
    expect(b.ran).not.toContain('resize-pane -t %3 -Z');
  });

  it('focus refuses a pane that is not in the session', async () => {
    const a = fakeTmux(false, []);
    await expect(paneHandlers({ tmux: a.tmux, session: 's' }).focus({ paneId: '%9', zoom: true }, conn)).rejects.toThrow(/no pane %9 in session s/);
    expect(a.ran).toEqual([]);
  });

  it("detach detaches the people's clients, never the controller's control-mode client", async () => {
    const a = fakeTmux(false, ['1 client-ctl', '0 /dev/pts/3']);
    expect(await paneHandlers({ tmux: a.tmux, session: 's' }).detach({}, conn)).toEqual({ detached: true });
    expect(a.ran).toEqual(['list-clients -t s -F #{client_control_mode} #{client_name}', 'detach-client -t /dev/pts/3']);
  });
});
