import { LiveMetrics } from '../../feedback/metrics.js';
import { feedbackHandlers } from '../handlers/feedback.js';
import type { Part } from './part.js';

/**
 * The feedback layer (src/feedback/): metrics folded from the journal — once at start from the
 * last checkpoint, then record by record as they are appended — given to later parts as a
 * MetricsReader (condition triggers read it), and saved again when the controller stops.
 */
export const feedbackPart: Part<never> = {
  name: 'feedback',
  needs: [],
  gives: ['metrics'],
  start(ctx) {
    const t0 = performance.now();
    const live = new LiveMetrics({ root: ctx.journal.root, stateDir: ctx.paths.state });
    ctx.log(`metrics folded to seq ${live.fold.state.lastSeq} in ${Math.round(performance.now() - t0)} ms`);
    const off = ctx.journal.onAppend(live.onRecord);
    return {
      gives: { metrics: live.reader },
      handlers: feedbackHandlers(live, ctx.journal),
      stop: () => {
        off();
        try {
          live.save();
        } catch (e) {
          ctx.log(`metrics checkpoint not saved: ${String(e)}`);
        }
      },
    };
  },
};
