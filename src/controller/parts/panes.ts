import { paneHandlers } from '../handlers/panes.js';
import type { Part } from './part.js';

/** What the dashboard and conductor ask of tmux for the person (focus a pane, detach). */
export const panesPart: Part<never> = {
  name: 'panes',
  needs: [],
  gives: [],
  start(ctx) {
    return { gives: {}, handlers: paneHandlers({ tmux: ctx.tmux, session: ctx.layout.session }) };
  },
};
