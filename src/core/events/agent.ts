/** Agents joining, leaving and changing state (controller/agents.ts, controller/agent-states.ts). */
import { z } from 'zod';
import { lazily } from '../lazy.js';

/** Same names as agents/states' StateName (core imports nothing of ours; a unit test pins them equal). */
export const AGENT_STATE_NAMES = ['starting', 'idle', 'busy', 'waiting-for-input', 'rate-limited', 'unresponsive', 'dead'] as const;
/** Same names as agents/states' Signal. */
export const AGENT_SIGNALS = ['process', 'hook', 'explicit', 'screen', 'activity', 'timer'] as const;

export const AGENT_EVENTS = lazily({
  'agent.spawned': () => z.object({
    name: z.string().min(1),
    paneId: z.string().min(1),
    worktree: z.string().nullable(),
    branch: z.string().nullable(),
    command: z.string(),
  }),
  'agent.killed': () => z.object({ name: z.string().min(1), paneId: z.string().nullable(), worktreeArchive: z.string().nullable() }),
  'agent.state': () => z.object({
    name: z.string().min(1),
    state: z.enum(AGENT_STATE_NAMES),
    signal: z.enum(AGENT_SIGNALS),
    reason: z.string(),
    /** Rate-limited: when the limit resets, if the screen said. */
    resetAt: z.number().optional(),
  }),
  /**
   * The agent CLI's own UserPromptSubmit hook (Claude Code, Codex) said it took a prompt: its
   * length only (the text is in the agent's transcript). Delivery's strongest proof of a submit.
   */
  'agent.prompt': () => z.object({ name: z.string().min(1), chars: z.number().int().min(0) }),
  /** The screen matched no pattern of the agent's profile: its CLI's UI may have changed. */
  'agent.screen-unrecognized': () => z.object({ name: z.string().min(1), profile: z.string() }),
});
