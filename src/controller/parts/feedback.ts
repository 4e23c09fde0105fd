import { unwrapConfig } from '../../config/config-issue.js';
import { loadFeedback } from '../../config/load-feedback.js';
import { resolve } from 'node:path';
import { DEFAULT_PRICES, loadPrices } from '../../feedback/prices.js';
import type { Part } from './part.js';

/**
 * The feedback layer (src/feedback/): metrics folded from the journal — once at start from the
 * last checkpoint, then record by record as they are appended — given to later parts as a
 * MetricsReader (condition triggers read it); notifications routed by feedback.yaml.
 */
export const feedbackPart: Part<never> = {
  name: 'feedback',
  needs: [],
  gives: ['metrics'],
  // Before anything is created: the parts start after `up` has returned (issue #17).
  check(_layout, root) {
    const cfg = unwrapConfig(loadFeedback(root, root), 'fix feedback.yaml, then run `miyabi up` again');
    loadPrices(cfg.prices === undefined ? DEFAULT_PRICES : resolve(root, cfg.prices));
  },
  // Loaded only here, after `up` has been told: prom-client and the notifiers are not on its path.
  start: async (ctx) => (await import('./feedback-start.js')).startFeedback(ctx),
};
