import { messagingHandlers } from '../handlers/messaging.js';
import { busDirOf, ensureInbox } from '../../bus/layout.js';
import { inflightIds, Messaging, takesMessages } from '../messaging.js';
import type { Part } from './part.js';

/** The bus inside the controller: inboxes, delivery into panes, relay (controller/messaging.ts). */
export const messagingPart: Part<never> = {
  name: 'messaging',
  needs: [],
  gives: ['messaging'],
  // `up` returns before the parts start (issue #17), and a sender run right after it must find
  // every agent's inbox: made here, before the session is built, not when delivery starts.
  prepare: async (layout, o) => {
    for (const w of layout.windows) for (const p of w.panes) if (takesMessages(p)) ensureInbox(busDirOf(o.paths), p.name);
    return layout;
  },
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
