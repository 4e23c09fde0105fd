import { paneHandlers } from '../handlers/panes.js';
import type { Part } from './part.js';

/** What the dashboard and conductor ask for the person: focus a pane, detach, an agent's diff. */
export const panesPart: Part<'agents'> = {
  name: 'panes',
  needs: ['agents'],
  gives: [],
  start(ctx, got) {
    return { gives: {}, handlers: paneHandlers({ tmux: ctx.tmux, session: ctx.layout.session, root: ctx.paths.root, agents: got.agents }) };
  },
};
