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
  // feedback.yaml and the prices are checked before anything is created (session/prepare.ts).
  // Loaded only here, after `up` has been told: prom-client and the notifiers are not on its path.
  start: async (ctx) => (await import('./feedback-start.js')).startFeedback(ctx),
};
