import type { EventListener, EventType } from '../core/events/index.js';

/** The journal as a bus (core/journal.ts's Journal fits). */
export interface EventSource {
  on<T extends EventType>(type: T, listener: EventListener<T>): () => void;
}

/**
 * A pipeline stage that escalates after its retries (its runner's onEscalate journals
 * `stage.escalated`) hands the agent that ran its run to the ladder. Which agent ran a run is
 * what the pipelines' door journaled when it gave the run one (`pipeline.assigned`/`started`).
 * Returns the function that stops listening.
 */
export function watchEscalations(bus: EventSource, onAgent: (agent: string, reason: string) => void): () => void {
  const runAgent = new Map<string, string>();
  const offs = [
    bus.on('pipeline.assigned', (r) => void runAgent.set(r.payload.runId, r.payload.agent)),
    bus.on('pipeline.started', (r) => void runAgent.set(r.payload.runId, r.payload.agent)),
    bus.on('run.finished', (r) => void runAgent.delete(r.payload.runId)),
    bus.on('stage.escalated', (r) => {
      const agent = runAgent.get(r.payload.runId);
      if (agent) onAgent(agent, `pipeline ${r.payload.pipeline} stage ${r.payload.stage} escalated after ${r.payload.attempts} tries: ${r.payload.error.split('\n')[0]}`);
    }),
  ];
  return () => {
    for (const off of offs) off();
  };
}
