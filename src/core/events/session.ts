/** The project's tmux session and the controller's control-mode client (session/open-session.ts, controller.ts). */
import { z } from 'zod';
import { lazily } from '../lazy.js';

const brief = z.object({ name: z.string(), role: z.string(), paneId: z.string().min(1), pid: z.number().int() });

export const SESSION_EVENTS = lazily({
  'session.adopted': () => z.object({ session: z.string().min(1), panes: z.array(brief) }),
  /** `by: up` when `miyabi up` built it and handed it to this controller (session/handover.ts). */
  'session.created': () => z.object({ session: z.string().min(1), layout: z.string(), ms: z.number(), panes: z.array(brief), by: z.enum(['up', 'controller']).optional(), upMs: z.record(z.string(), z.number()).optional() }),
  /** Killed from outside miyabi: the controller stops. */
  'session.ended': () => z.object({ session: z.string().min(1), by: z.string() }),
  'session.killed': () => z.object({ session: z.string().min(1) }),
  'tmux.control-lost': () => z.object({ reason: z.string() }),
  'tmux.control-restarted': () => z.object({ reason: z.string() }),
});
