/** Worktrees the controller prepares on its own (git/pool.ts). */
import { z } from 'zod';
import { lazily } from '../lazy.js';

export const WORKTREE_EVENTS = lazily({
  /** The pool of spare worktrees was topped up at start. */
  'worktree.pool-filled': () => z.object({ made: z.number().int().positive() }),
});
