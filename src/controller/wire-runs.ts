import { processShell } from '../shell/run.js';
import type { Journal } from '../core/journal.js';
import { noAgents } from '../pipelines/agent-port.js';
import { RunsHost } from '../pipelines/runs-host.js';
import type { ControllerAgentPort } from './pipeline-agents.js';

export interface WireRunsInput {
  root: string;
  journal: Journal;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
  agentPort: () => ControllerAgentPort | undefined;
}

/**
 * The pipelines part of the controller: the runs host with the agents' door, which has already
 * taken over the runs an earlier controller left unfinished. Call it before serving requests: a
 * new run must see the runs it may have to wait for or cancel.
 */
export function wireRuns(c: WireRunsInput): RunsHost {
  const runs = new RunsHost({
    shell: processShell,
    root: c.root,
    journal: c.journal,
    env: c.env,
    log: c.log,
    agents: () => c.agentPort() ?? noAgents,
    onRunEnded: (id) => c.agentPort()?.forgetRun(id),
    onRunAdopted: (id, seq) => c.agentPort()?.adoptRun(id, seq),
  });
  try {
    const taken = runs.recover();
    if (taken.length) c.log(`pipeline runs taken over: ${taken.join(', ')}`);
  } catch (e) {
    c.log(`pipeline runs not taken over: ${String(e)}`);
  }
  return runs;
}
