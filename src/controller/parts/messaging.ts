import { messagingHandlers } from '../handlers/messaging.js';
import { inflightIds, Messaging } from '../messaging.js';
import type { Part } from './part.js';

/** The bus inside the controller: inboxes, delivery into panes, relay (controller/messaging.ts). */
export const messagingPart: Part<never> = {
  name: 'messaging',
  needs: [],
  gives: ['messaging'],
  start(ctx) {
    const inflight = inflightIds(ctx.journal.replay(ctx.snapshot?.lastSeq ?? 0), ctx.snapshot?.inflight ?? []);
    const m = new Messaging(ctx.paths, ctx.layout, ctx.tmux, ctx.journal, inflight);
    let watching = false;
    return {
      gives: { messaging: m },
      handlers: messagingHandlers(m),
      // Delivery starts only once pane output is watched: its checks read it.
      onPanes: (panes) => {
        if (watching) return m.updatePanes(panes);
        watching = true;
        m.start(panes);
      },
      onOutput: (paneId, data) => m.onOutput(paneId, data),
      snapshot: () => ({ inflight: [...inflight] }),
      stop: () => m.close(),
    };
  },
};
