/** What the controller's pane sweep sees change (controller/sweep.ts). */
import { z } from 'zod';
import { lazily } from '../lazy.js';

const pane = z.object({
  /** The pane's @miyabi_agent ("" when unset). */
  name: z.string(),
  role: z.string(),
  paneId: z.string().min(1),
  pid: z.number().int(),
  deadStatus: z.number().int().nullable(),
});

export const PANE_EVENTS = lazily({
  'pane.appeared': () => pane,
  'pane.died': () => pane,
  'pane.alive': () => pane,
  'pane.gone': () => z.object({ paneId: z.string().min(1) }),
});
