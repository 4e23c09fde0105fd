import { z } from 'zod';
import { message } from './define.js';

export const diffFile = z.object({ path: z.string(), added: z.number().int(), removed: z.number().int(), binary: z.boolean() });

/**
 * The dashboard's +/− column and diff panel: an agent's worktree against its base (the commit its
 * worktree was made from; HEAD for an agent in the main checkout), committed and uncommitted work
 * and new files alike. The controller runs git; ui/ never does (docs/architecture.md).
 */
export const diff = message({
  name: 'diff',
  describe: "an agent's worktree against its base: files with lines added and removed (git diff --numstat), and with `patch` the diff itself",
  request: () => z.object({ agent: z.string().min(1), patch: z.boolean().default(false) }).strict(),
  reply: () => z.object({
    agent: z.string(),
    dir: z.string(),
    /** The base as given ('HEAD', 'main', a sha) and the commit compared against. */
    base: z.string(),
    baseCommit: z.string(),
    files: z.array(diffFile),
    added: z.number().int(),
    removed: z.number().int(),
    /** The unified diff, cut at `patchLimit` bytes (`truncated` says so). */
    patch: z.string().optional(),
    truncated: z.boolean().optional(),
  }),
});
