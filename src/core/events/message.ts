/**
 * The bus and delivery into panes (delivery/deliverer.ts, controller/messaging.ts). `delivering`
 * is fsynced before typing and names the pane line where typing began: a restarted controller
 * looks there for a message caught between typing and recording.
 */
import { z } from 'zod';
import { lazily } from '../lazy.js';

const to = z.string().min(1);
const ids = z.array(z.string().min(1)).min(1);
/** How a typing ended (delivery/confirm.ts's Submitted, or why it was not typed). */
const outcome = z.string().min(1);

export const MESSAGE_EVENTS = lazily({
  'message.delivering': () => z.object({ to, pane: z.string().min(1), ids, line: z.number().int() }),
  'message.delivered': () => z.object({
    to, pane: z.string().min(1), ids,
    /** From the oldest message's creation to now. */
    ms: z.number(),
    outcome, attempts: z.number().int().optional(), recovered: z.boolean().optional(), reason: z.string().optional(),
  }),
  'message.failed': () => z.object({
    to, pane: z.string().min(1), ids,
    outcome, attempts: z.number().int().optional(), recovered: z.boolean().optional(), reason: z.string().optional(),
  }),
  /** tmux went away mid-delivery: not a failure of the message, which stays queued. */
  'message.deferred': () => z.object({ to, ids, reason: z.string() }),
  'message.quarantined': () => z.object({
    to, name: z.string(), code: z.string(), reason: z.string(), movedTo: z.string().nullable(), moveError: z.string().optional(),
  }),
  'message.tmp-cleaned': () => z.object({ path: z.string() }),
  'delivery.error': () => z.object({ to, id: z.string().optional(), error: z.string() }),
  /** The learned submit waits' file (.miyabi/state/submit-delays.json) could not be read or saved. */
  'delivery.delays-error': () => z.object({ error: z.string() }),
  'bus.watch-error': () => z.object({ to, error: z.string() }),
  'relay.sent': () => z.object({ from: z.string(), to, id: z.string() }),
  'relay.refused': () => z.object({ from: z.string(), to, error: z.string() }),
  'relay.unknown-recipient': () => z.object({ from: z.string(), to }),
});
