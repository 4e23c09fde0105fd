import { z } from 'zod';
import { message } from './define.js';

/**
 * The dashboard's Enter: show a pane to the person (its window selected, the pane made active and,
 * with `zoom`, zoomed). The controller runs tmux; ui/ never does (docs/architecture.md).
 */
export const focus = message({
  name: 'focus',
  describe: "bring a pane of the session to the front in tmux (select its window and pane, zoom it)",
  request: () => z.object({ paneId: z.string().regex(/^%\d+$/, 'a pane id like %3'), zoom: z.boolean().default(true) }).strict(),
  reply: () => z.object({ paneId: z.string(), window: z.string(), zoomed: z.boolean() }),
});
