/**
 * `miyabi hooks install | uninstall | status`: git hooks that emit git.commit, git.push and
 * git.merge to the bus (src/git/emit-hooks.ts); a hook that was there is kept and still runs.
 */
import path from 'node:path';
import { MiyabiError } from '../../core/errors.js';
import { isGitRoot } from '../../core/paths.js';
import { packageRoot } from '../../core/package-paths.js';
import { hooksStatus, installHooks, uninstallHooks } from '../../git/emit-hooks.js';
import { cliContext, type GlobalOptions } from '../context.js';

export async function hooks(o: GlobalOptions & { action: string }): Promise<number> {
  const { paths } = cliContext(o, o.action === 'install' ? 'create' : 'check');
  if (!isGitRoot(paths.root)) throw new MiyabiError('USAGE', `${paths.root} is not a git repository`, { hint: 'run it inside the repository whose commits and pushes should fire triggers' });
  const emit = path.join(packageRoot(), 'scripts', 'miyabi-emit.sh');
  if (o.action === 'install') {
    const r = installHooks(paths.root, emit, paths.bus);
    process.stdout.write(`installed ${r.installed.join(', ')} in ${r.dir}\n`);
    if (r.kept.length) process.stdout.write(`your own ${r.kept.join(', ')} kept: it runs first (saved beside it as <hook>.miyabi-saved)\n`);
    return 0;
  }
  if (o.action === 'uninstall') {
    const r = uninstallHooks(paths.root);
    if (!r.removed.length && !r.restored.length) process.stdout.write(`no miyabi hooks in ${r.dir}\n`);
    if (r.removed.length) process.stdout.write(`removed ${r.removed.join(', ')} from ${r.dir}\n`);
    if (r.restored.length) process.stdout.write(`put back your own ${r.restored.join(', ')}\n`);
    return 0;
  }
  if (o.action === 'status') {
    const s = hooksStatus(paths.root);
    for (const h of s.hooks) process.stdout.write(`${h.hook.padEnd(12)} ${h.ours ? 'miyabi' : 'not installed'}${h.saved ? ' (your own hook runs first)' : ''}\n`);
    process.stdout.write(`in ${s.dir}\n`);
    return 0;
  }
  throw new MiyabiError('USAGE', `unknown action ${JSON.stringify(o.action)}`, { hint: 'miyabi hooks install | uninstall | status' });
}
