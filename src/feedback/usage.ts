/**
 * Turning an agent's hook into a `usage.recorded` record: the new turns of the transcript its
 * payload names, attributed to the agent, the task it has now and the run it works for, with a
 * cost ESTIMATE from the price table and the context's share of the model's window.
 */
import { isAbsolute } from 'node:path';
import type { EventSink } from '../core/events/index.js';
import { MiyabiError } from '../core/errors.js';
import { DEFAULT_WINDOW, type PriceTable, costOf, priceOf } from './prices.js';
import type { FoldState } from './state.js';
import { readTranscriptUsage } from './transcript.js';

export interface UsageResult {
  turns: number;
  input: number;
  output: number;
  cacheCreation: number;
  cacheRead: number;
  costUsd: number | null;
}

export class UsageRecorder {
  /** Message ids already counted, per transcript (the offset covers a restart). */
  private readonly seen = new Map<string, Set<string>>();

  constructor(private readonly o: { state: () => FoldState; journal: EventSink; prices: () => PriceTable }) {}

  record(agent: string, transcript: string): UsageResult {
    if (!isAbsolute(transcript) || !transcript.endsWith('.jsonl')) {
      throw new MiyabiError('USAGE', `usage: ${JSON.stringify(transcript)} is not a transcript (an absolute path to a .jsonl file)`);
    }
    const st = this.o.state();
    let seen = this.seen.get(transcript);
    if (!seen) this.seen.set(transcript, (seen = new Set()));
    if (seen.size > 10_000) seen.clear();
    const u = readTranscriptUsage(transcript, st.transcripts.get(transcript) ?? 0, seen);
    const none = { turns: 0, input: 0, output: 0, cacheCreation: 0, cacheRead: 0, costUsd: null };
    if (u.turns === 0) return none;
    const prices = this.o.prices();
    const tokens = { input: u.input, output: u.output, cacheCreation: u.cacheCreation, cacheRead: u.cacheRead };
    const costUsd = costOf(prices, u.model, tokens);
    // The task it works on now: the one assigned to it and not finished.
    let task: string | null = null;
    for (const [id, m] of st.tasks) if (m.agent === agent && m.start !== null) task = id;
    this.o.journal.append('usage.recorded', {
      agent, task, runId: st.agentRuns.get(agent) ?? null, model: u.model || 'unknown', ...tokens,
      contextTokens: u.contextTokens, window: priceOf(prices, u.model)?.window ?? DEFAULT_WINDOW,
      costUsd, transcript, offset: u.offset,
    });
    return { turns: u.turns, ...tokens, costUsd };
  }
}
