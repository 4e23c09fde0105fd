import type { z } from 'zod';
import { joined, lazily } from '../../core/lazy.js';

/**
 * One request type of the protocol: its name, what it asks (checked by the server before a
 * handler sees it) and what it answers. The client and the controller's handler table both take
 * their types from here, so the two cannot drift.
 */
export interface MessageDef<N extends string = string, Q extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  readonly name: N;
  readonly describe: string;
  readonly request: Q;
  readonly reply: R;
}

/**
 * The schemas are built on first use (issue #17): zod builds each with dozens of closures, and
 * the controller's start-up built all of the protocol's (≈ 300) before it answered anything.
 */
export function message<const N extends string, Q extends z.ZodType, R extends z.ZodType>(m: {
  name: N;
  describe: string;
  request: () => Q;
  reply: () => R;
}): MessageDef<N, Q, R> {
  return joined({ name: m.name, describe: m.describe }, lazily({ request: m.request, reply: m.reply }));
}
