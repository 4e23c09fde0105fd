/** Worktrees the controller prepares on its own (git/pool.ts). */
import { z } from 'zod';

export const WORKTREE_EVENTS = {
  /** The pool of spare worktrees was topped up at start. */
  'worktree.pool-filled': z.object({ made: z.number().int().positive() }),
} as const;
