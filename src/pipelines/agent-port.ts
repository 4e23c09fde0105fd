/**
 * The door to agents (panes, worktrees, the task queue) for the built-in actions that need them. The
 * controller implements it (src/agents/door/door.ts); a run hosted by `miyabi run` with no
 * controller has `noAgents`, which refuses every call with a clear error, so a pipeline never
 * pretends an agent did something.
 */
import type { BuiltinName } from '../config/skill-schema.js';
import { ActionError } from './action-error.js';

export const AGENT_BUILTINS = [
  'create-worktree', 'get-available-pane', 'assign-agent', 'notify-agent', 'start-in-pane', 'report-progress',
  'relay-messages', 'assess-damage', 'restore-agent',
] as const satisfies readonly BuiltinName[];
export type AgentBuiltin = (typeof AGENT_BUILTINS)[number];

export interface AgentRequest {
  runId: string;
  pipeline: string;
  stage: string;
  /** The stage's inputs by name (e.g. worktree_path, pane_id). */
  inputs: Record<string, string>;
  /** The run's variables (`--var`, or a trigger's): `task` gives start-in-pane its work. */
  vars?: Record<string, string>;
  cwd: string;
  signal: AbortSignal;
}

export interface AgentPort {
  /** Runs an agent built-in; resolves with its result (the stage output), rejects with an ActionError. */
  builtin(name: AgentBuiltin, request: AgentRequest): Promise<string>;
  /** Hands `task` to an agent through the task queue; resolves when the agent runs `miyabi done`. */
  task(task: string, request: AgentRequest): Promise<string>;
}

export function isAgentBuiltin(name: string): name is AgentBuiltin {
  return (AGENT_BUILTINS as readonly string[]).includes(name);
}

const NEEDS = 'needs a running controller (start one with `miyabi up`, then run the pipeline again)';

/** The AgentPort of a run with no controller: every call fails, permanently (no retry helps). */
export const noAgents: AgentPort = {
  builtin: (name) => Promise.reject(new ActionError(`${name} ${NEEDS}: it works with agent panes and worktrees, which only the controller has`, { permanent: true })),
  task: (task) => Promise.reject(new ActionError(`an agent task ${NEEDS}: "${task.slice(0, 60)}" is handed to an agent through the controller's task queue`, { permanent: true })),
};
