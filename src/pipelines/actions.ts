/**
 * Runs one action of a stage: a shell command (argument array, or sh -c for shell syntax), a command
 * the user configures, an agent task, or a built-in. Resolves with the action's output (standard
 * output trimmed, or the built-in's result); rejects with an ActionError.
 */
import type { SkillAction } from '../config/skill-schema.js';
import type { ShellPort } from '../shell/port.js';
import { ActionError } from './action-error.js';
import { isAgentBuiltin, type AgentPort, type AgentRequest } from './agent-port.js';
import { dirname } from 'node:path';
import { metricsReport } from '../feedback/report-file.js';
import { renderReport, writeReport } from './reports.js';
import type { JournalLike, RunState } from './run-state.js';

export interface ActionContext {
  runId: string;
  pipeline: string;
  stage: string;
  cwd: string;
  /** The full environment for commands (process env + pipeline, stage and action env + MIYABI_*). */
  env: Record<string, string>;
  vars: Record<string, string>;
  inputs: Record<string, string>;
  logFile: string;
  logDir: string;
  reportsDir: string;
  signal: AbortSignal;
  journal: JournalLike;
  agents: AgentPort;
  /** The door for commands (shell/run.ts); tests may fake it. */
  shell: ShellPort;
  /** The run so far, for reports. */
  state: () => RunState;
  onSpawn?: (pgid: number) => void;
  onExit?: (pgid: number) => void;
}

/** A configured command: `--var NAME=…` first, then the environment. */
export function configuredCommand(variable: string, ctx: Pick<ActionContext, 'vars' | 'env'>): string | undefined {
  const v = ctx.vars[variable] ?? ctx.env[variable];
  return v !== undefined && v.trim() !== '' ? v : undefined;
}

export function notConfigured(variable: string, hint: string): ActionError {
  return new ActionError(`not configured: set ${variable} (with --var ${variable}=… or in the environment) to ${hint}`, { permanent: true });
}

/** Runs a command through the shell port, which writes the command line and its output to the stage's log. */
async function shell(argv: readonly string[], a: SkillAction, ctx: ActionContext, sh = false): Promise<string> {
  // An action's own `timeout` bounds it inside the stage's.
  const signal = a.timeoutMs === undefined ? ctx.signal : AbortSignal.any([ctx.signal, AbortSignal.timeout(a.timeoutMs)]);
  const file = sh ? '/bin/sh' : (argv[0] ?? '');
  const r = await ctx.shell.run({
    argv, sh, cwd: ctx.cwd, env: { ...ctx.env, ...a.env }, signal, logFile: ctx.logFile,
    ...(ctx.onSpawn ? { onSpawn: ctx.onSpawn } : {}), ...(ctx.onExit ? { onExit: ctx.onExit } : {}),
  });
  if (!r.started && r.aborted) throw new ActionError('cancelled before it started');
  if (r.spawnError !== null) {
    throw new ActionError(`could not run ${file}: ${r.spawnError}`, { exitCode: 127 });
  }
  if (r.aborted) throw new ActionError(`stopped (${String(signal.reason ?? 'aborted')})`);
  const code = r.exitCode ?? 1;
  if (code !== 0 || r.signal) {
    throw new ActionError(r.signal ? `${file} was killed by ${r.signal}` : `${file} exited with code ${code}`, { exitCode: code });
  }
  return r.stdout.trim();
}

function agentRequest(ctx: ActionContext): AgentRequest {
  return { runId: ctx.runId, pipeline: ctx.pipeline, stage: ctx.stage, inputs: ctx.inputs, vars: ctx.vars, cwd: ctx.cwd, signal: ctx.signal };
}

async function builtin(name: string, ctx: ActionContext): Promise<string> {
  if (isAgentBuiltin(name)) return ctx.agents.builtin(name, agentRequest(ctx));
  switch (name) {
    case 'generate-error-report':
      return writeReport(ctx.reportsDir, ctx.runId, 'error', renderReport('error', ctx.state(), ctx.logDir));
    case 'generate-success-report':
      return writeReport(ctx.reportsDir, ctx.runId, 'success', renderReport('success', ctx.state(), ctx.logDir));
    case 'generate-daily-summary':
    case 'generate-monthly-report': {
      // The project's metrics over the last day or month, from the journal (feedback/); reports
      // live in `.miyabi/reports/`, whose parent is the folder of the journal.
      const kind = name === 'generate-daily-summary' ? 'daily' : 'monthly';
      return writeReport(ctx.reportsDir, ctx.runId, kind, metricsReport(dirname(ctx.reportsDir), kind));
    }
    case 'summarize-content-created':
      return writeReport(ctx.reportsDir, ctx.runId, 'content', renderReport('content', ctx.state(), ctx.logDir));
    case 'notify-conductor': {
      const st = ctx.state();
      const failed = st.stages.filter((r) => r.outcome === 'failed').map((r) => r.name);
      const message = failed.length > 0
        ? `pipeline ${st.pipeline} run ${st.runId}: ${failed.join(', ')} failed`
        : `pipeline ${st.pipeline} run ${st.runId}: no stage failed so far`;
      // The controller relays conductor.notify records to the conductor pane.
      ctx.journal.appendDurable('conductor.notify', { runId: ctx.runId, stage: ctx.stage, message, inputs: ctx.inputs });
      return message;
    }
    case 'aggregate-status': {
      const st = ctx.state();
      const counts: Record<string, number> = {};
      for (const r of st.stages) counts[r.outcome] = (counts[r.outcome] ?? 0) + 1;
      return JSON.stringify({ run: st.runId, stages: counts });
    }
  }
  throw new ActionError(`unknown built-in ${JSON.stringify(name)}`, { permanent: true });
}

export async function runAction(a: SkillAction, ctx: ActionContext): Promise<string> {
  switch (a.kind) {
    case 'shell':
      return shell(a.argv, a, ctx);
    case 'configured': {
      const cmd = configuredCommand(a.variable, ctx);
      if (cmd === undefined) {
        const err = notConfigured(a.variable, a.hint);
        ctx.journal.append('action.log', { stage: ctx.stage, action: a.name, message: err.message });
        throw err;
      }
      // The user wrote it as shell text, so a shell runs it.
      return shell([cmd], a, ctx, true);
    }
    case 'agent': {
      return ctx.agents.task(a.task, agentRequest(ctx));
    }
    case 'builtin':
      return builtin(a.builtin, ctx);
  }
}
