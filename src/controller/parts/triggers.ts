import { join } from 'node:path';
import type { MetricsReader } from '../../core/metrics.js';
import type { Part, Provided } from './part.js';

/**
 * The activation engine (src/triggers): rules from triggers.yaml start pipelines through `runs`
 * when an event, a schedule or a condition fires; reads the task queue for `queue` conditions and
 * `queue.not-empty`, and feedback's metrics when that part provides them.
 */
export type TriggerMessages = 'triggers.list' | 'triggers.test';

export const triggersPart: Part<'runs' | 'tasks'> = {
  name: 'triggers',
  needs: ['runs', 'tasks'],
  gives: [],
  async start(ctx, got) {
    // Loaded only here, after `up` has been told: the engine, croner and chokidar are not on its path.
    const [{ TriggersHost }, { processShell }] = await Promise.all([import('../../triggers/host.js'), import('../../shell/run.js')]);
    const { runs, tasks } = got;
    const all = got as Partial<Provided> & { metrics?: MetricsReader };
    const host = new TriggersHost({
      root: ctx.paths.root,
      busDir: ctx.paths.bus,
      adhocDir: join(ctx.paths.dir, 'triggers'),
      journal: ctx.journal,
      starter: { start: (req) => runs.start(req), cancel: (id, reason) => runs.cancel(id, reason), done: (id) => runs.done(id) },
      shell: processShell,
      env: ctx.env,
      queueLength: () => tasks.queue.queued().length,
      metrics: () => all.metrics,
      log: (l) => ctx.log(l),
    });
    host.start(ctx.snapshot?.triggers);
    if (host.problem) ctx.log(`triggers: no rules loaded: ${host.problem}`);
    return {
      gives: {},
      handlers: {
        'triggers.list': () => host.list(),
        'triggers.test': (req) => host.test(req.type, req.data),
      },
      onPanes: (panes) => host.onPanes(panes),
      onOutput: (paneId, data) => host.onOutput(paneId, data),
      snapshot: () => ({ triggers: host.snapshot(ctx.journal.lastSeq) }),
      stop: () => host.stop(),
    };
  },
};
