import { cleanWorktrees, listArchives, listWorktrees, pruneWorktrees, restoreWorktree } from '../../git/worktrees.js';
import { MiyabiError } from '../../core/errors.js';
import { cliContext, type GlobalOptions } from '../context.js';

type Options = GlobalOptions & { action: string; names?: string[]; json?: boolean; force?: boolean; ref?: string };

const out = (o: Options, human: string, data: unknown) =>
  process.stdout.write(o.json ? `${JSON.stringify(data, null, 2)}\n` : `${human}\n`);

/** `miyabi worktree list|prune|clean|restore`: the agents' git worktrees (src/git). */
export async function worktree(o: Options): Promise<number> {
  // The worktree registry lives in .miyabi/state: made (with its token) here when absent.
  const repo = cliContext(o, 'create').paths.root;
  const names = o.names ?? [];
  switch (o.action) {
    case 'list': {
      const all = (await listWorktrees(repo)).filter((w) => !w.main);
      const line = (w: (typeof all)[number]) => {
        const owner = w.owner === null ? 'not miyabi' : w.owner.kind === 'agent' ? `agent ${w.owner.name}` : `pool ${w.owner.id}`;
        return `${w.path}  ${w.branch ?? '(detached)'}  ${owner}${w.prunable !== null ? '  (folder gone: miyabi worktree prune)' : ''}`;
      };
      out(o, all.length ? all.map(line).join('\n') : 'no worktrees besides the main one', all);
      return 0;
    }
    case 'prune': {
      const r = await pruneWorktrees(repo);
      out(o, r.pruned.length ? r.pruned.map((p) => `pruned ${p.path}`).join('\n') : 'nothing to prune', r);
      return 0;
    }
    case 'clean': {
      const r = await cleanWorktrees(repo, { force: o.force === true, ...(names.length ? { names } : {}) });
      const lines = [
        ...r.removed.map((w) => `removed ${w.name} (kept as ${w.archive.ref})`),
        ...r.refused.map((w) => `kept ${w.name}: it holds work that would be lost:\n  ${w.losses.join('\n  ')}\n  (--force removes it after archiving it)`),
        ...r.failed.map((w) => `failed ${w.name}: ${w.error.message}`),
      ];
      out(o, lines.length ? lines.join('\n') : 'no miyabi worktrees to clean', { removed: r.removed.map((w) => w.name), refused: r.refused.map((w) => ({ name: w.name, losses: w.losses })), failed: r.failed.map((w) => ({ name: w.name, error: w.error.message })) });
      return r.refused.length || r.failed.length ? 1 : 0;
    }
    case 'restore': {
      const [name] = names;
      if (!name || names.length > 1) throw new MiyabiError('USAGE', 'restore takes one worktree name', { hint: 'miyabi worktree restore <name> [--ref REF]' });
      const w = await restoreWorktree(repo, name, o.ref ? { ref: o.ref } : {});
      out(o, `restored ${name} at ${w.path} on ${w.branch} from ${w.archive.ref}`, w);
      return 0;
    }
    case 'archives': {
      const a = await listArchives(repo, names[0]);
      out(o, a.length ? a.map((x) => x.ref).join('\n') : 'no archives', a);
      return 0;
    }
    default:
      throw new MiyabiError('USAGE', `unknown worktree action "${o.action}"`, { hint: 'one of: list, prune, clean, restore, archives' });
  }
}
