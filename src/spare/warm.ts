/**
 * While it waits, a spare runs `up`'s layout check once on the layouts miyabi ships (and on the
 * built-in default), and formats a status: V8 compiles a function on its first call, so a spare
 * that had only loaded its code would compile the check and the answer on the request's path.
 * Nothing is written: the check reads the layouts and a project folder (the spare's own, empty).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadLayout } from '../config/load-layout.js';
import { miyabiBin, packageRoot } from '../core/package-paths.js';
import { checkBeforeBuild } from '../session/prepare.js';
import { formatStatus } from '../ui/format-status.js';

export function warmUp(dir: string): void {
  const builtinLayoutsDir = join(packageRoot(), 'layouts');
  const refs = [undefined, ...readdirSync(builtinLayoutsDir).filter((f) => /\.ya?ml$/.test(f)).map((f) => join(builtinLayoutsDir, f))];
  for (const ref of refs) {
    try {
      const loaded = loadLayout({ ref, projectRoot: dir, cwd: dir, miyabiBin: miyabiBin(), env: process.env, builtinLayoutsDir });
      if (!loaded.ok) continue;
      checkBeforeBuild(loaded.value, dir);
      const panes = loaded.value.windows.flatMap((w) => w.panes.map((p, i) => ({
        name: p.name ?? `p${i}`, role: p.role, paneId: `%${i}`, window: w.name, pid: 0, command: '', currentCommand: '', cwd: dir, alive: true, deadStatus: null,
      })));
      formatStatus({ session: loaded.value.session, tmuxSocket: 'miyabi', root: dir, layout: 'warm', controller: { pid: 0, startedAt: new Date().toISOString(), uptimeMs: 0, ipcPath: '' }, panes });
    } catch {
      // a shipped layout naming a program not installed here: what ran before the refusal is warm
    }
  }
}
