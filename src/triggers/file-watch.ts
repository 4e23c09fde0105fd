/**
 * `file.changed` events from file globs (`files:` of rules on file.changed), watched with chokidar
 * under the project root; changes within 50 ms are one event (watchexec's default debounce), carrying
 * every path that changed. `.git`, miyabi's own state folder and `node_modules` are never watched.
 */
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { miyabiDir } from '../core/paths.js';
import type { TriggerEvent } from './match.js';

export const FILE_DEBOUNCE_MS = 50;
const STATE = path.basename(miyabiDir('/')).replace('.', '\\.');
const SKIP = new RegExp(`(^|/)(\\.git|${STATE}|node_modules)(/|$)`);

/** `src/**\/*.ts` → a RegExp over paths relative to the root (`**` any folders, `*` within one). */
export function pathGlob(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*' && glob[i + 1] === '*') {
      re += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

export class FileWatch {
  private watcher: FSWatcher | null = null;
  private pending = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private readonly globs: RegExp[];
  private seq = 0;

  constructor(private readonly root: string, globs: string[], private readonly emit: (ev: TriggerEvent) => void, private readonly log?: (l: string) => void) {
    this.globs = globs.map(pathGlob);
  }

  start(): Promise<void> {
    this.watcher = watch(this.root, { ignoreInitial: true, ignored: (p) => SKIP.test(path.relative(this.root, p)) });
    const on = (p: string) => {
      const rel = path.relative(this.root, p).split(path.sep).join('/');
      if (!this.globs.some((g) => g.test(rel))) return;
      this.pending.add(rel);
      if (this.timer) clearTimeout(this.timer);
      this.timer = setTimeout(() => this.flush(), FILE_DEBOUNCE_MS);
    };
    this.watcher.on('add', on).on('change', on).on('unlink', on);
    this.watcher.on('error', (e) => this.log?.(`file watch: ${String(e)}`));
    return new Promise((resolve) => this.watcher?.once('ready', () => resolve()));
  }

  private flush(): void {
    const paths = [...this.pending].sort();
    this.pending.clear();
    const now = Date.now();
    this.emit({ id: `file-${now}-${++this.seq}`, type: 'file.changed', ts: now, source: 'files', data: { path: paths[0], paths } });
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    await this.watcher?.close();
  }
}
