/**
 * Where completion's names come from: the controller (agents, runs, tasks) and the project's
 * pipelines/ folder, fetched when Tab is pressed and kept for a couple of seconds so a burst of
 * Tabs asks once. A controller that does not answer leaves those names out, never blocks the line.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ConductorClient } from './commands.js';
import type { Names } from './complete.js';
import type { VerbSpec } from './verbs.js';

export class CompletionSource {
  private cache: { at: number; names: Omit<Names, 'verbs' | 'specs'> } | null = null;

  constructor(
    private readonly client: ConductorClient,
    private readonly root: string | null,
    private readonly verbs: () => string[],
    private readonly specs: VerbSpec[],
  ) {}

  async names(): Promise<Names> {
    if (this.cache && Date.now() - this.cache.at <= 2000) return { verbs: this.verbs(), specs: this.specs, ...this.cache.names };
    let answered = true;
    const names = await this.fetch(() => (answered = false));
    // Names the controller did not give in time are not kept: the next Tab asks again.
    this.cache = answered ? { at: Date.now(), names } : null;
    return { verbs: this.verbs(), specs: this.specs, ...names };
  }

  private async fetch(missed: () => void): Promise<Omit<Names, 'verbs' | 'specs'>> {
    const within = <T>(p: Promise<T>, fallback: T) =>
      new Promise<T>((resolve) => {
        const late = setTimeout(() => (missed(), resolve(fallback)), 500);
        late.unref();
        p.then(resolve, () => (missed(), resolve(fallback))).finally(() => clearTimeout(late));
      });
    const [agents, runs, tasks] = await Promise.all([
      within(this.client.request('agents', {}).then((a) => a.map((x) => x.name)), [] as string[]),
      within(this.client.request('runs.list', { limit: 50 }).then((r) => r.map((x) => x.runId)), [] as string[]),
      within(this.client.request('task.list', {}).then((t) => t.map((x) => x.id)), [] as string[]),
    ]);
    let pipelines: string[] = [];
    if (this.root) {
      try {
        pipelines = readdirSync(join(this.root, 'pipelines')).filter((f) => /\.ya?ml$/.test(f)).map((f) => f.replace(/\.ya?ml$/, ''));
      } catch {
        // no pipelines/ folder
      }
    }
    return { agents, runs, tasks, pipelines };
  }
}
