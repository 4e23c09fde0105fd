import type { z } from 'zod';

/**
 * One request type of the protocol: its name, what it asks (checked by the server before a
 * handler sees it) and what it answers. The client and the controller's handler table both take
 * their types from here, so the two cannot drift.
 */
export interface MessageDef<N extends string = string, Q extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  name: N;
  describe: string;
  request: Q;
  reply: R;
}

export function message<const N extends string, Q extends z.ZodType, R extends z.ZodType>(m: MessageDef<N, Q, R>): MessageDef<N, Q, R> {
  return m;
}
