/**
 * The recover stage's built-ins (see builtins.ts for the others):
 *
 * - assess-damage: JSON `{agents, damaged: [{name, paneId, state, reason}], healthy}`; damaged
 *   = pane dead (by a fresh pane list), or state unresponsive.
 * - restore-agent: respawn-pane (with -k for a live but unresponsive one) of each agent the run
 *   assessed (or, without an assessment, of each damaged now), checked against a fresh pane list
 *   and journaled durably (`pipeline.agent-restored`). Nothing damaged: says so. A pane that
 *   cannot be brought back: ActionError naming it (after reporting what did work).
 */
import { ActionError, errorText } from '../../pipelines/action-error.js';
import { agentList, stateText } from './builtins.js';
import type { AgentView, Builtin, Damage, DoorContext } from './types.js';

function damageOf(c: DoorContext, a: AgentView): Damage | null {
  const st = c.d.stateOf(a.name);
  // The pane list is newer than the last sweep's state: it alone says dead or alive (a pane
  // respawned since that sweep is alive though its state still says dead).
  if (!a.alive) return { name: a.name, paneId: a.paneId, state: 'dead', reason: (st?.state === 'dead' && st.reason) || "the pane's process exited" };
  if (st?.state === 'unresponsive') return { name: a.name, paneId: a.paneId, state: 'unresponsive', reason: st.reason ?? 'no output and no heartbeat' };
  return null;
}

export const assessDamage: Builtin = async (c, r) => {
  const rows = await agentList(c, 'assess-damage');
  const damaged = rows.map((a) => damageOf(c, a)).filter((x): x is Damage => x !== null);
  const healthy = rows.filter((a) => !damaged.some((x) => x.name === a.name)).map((a) => a.name);
  c.runs.get(r.runId).damaged = damaged;
  c.d.journal.append('pipeline.damage', { runId: r.runId, stage: r.stage, agents: rows.length, damaged });
  return JSON.stringify({ agents: rows.length, damaged, healthy });
};

export const restoreAgent: Builtin = async (c, r) => {
  const memo = c.runs.get(r.runId);
  const rows = await agentList(c, 'restore-agent');
  const assessed = memo.damaged ?? rows.map((a) => damageOf(c, a)).filter((x): x is Damage => x !== null);
  memo.damaged = undefined;
  const done: string[] = [];
  const errors: string[] = [];
  const tried: Array<Damage & { kill: boolean }> = [];
  for (const was of assessed) {
    const now = rows.find((a) => a.name === was.name);
    if (!now) {
      done.push(`${was.name} is gone (killed since the assessment): nothing to restore`);
      continue;
    }
    if (damageOf(c, now) === null) {
      done.push(`${was.name} recovered on its own (now ${stateText(c.d.stateOf(now.name))})`);
      continue;
    }
    try {
      await c.d.respawn(now.paneId, { kill: now.alive });
      tried.push({ ...was, paneId: now.paneId, kill: now.alive });
    } catch (e) {
      errors.push(`${was.name} (pane ${now.paneId}): respawn-pane failed: ${errorText(e)}`);
    }
  }
  // respawn-pane returning is no proof: the pane list is.
  const after = tried.length > 0 ? await agentList(c, 'restore-agent') : [];
  for (const t of tried) {
    if (!after.find((a) => a.paneId === t.paneId)?.alive) {
      errors.push(`${t.name} (pane ${t.paneId}) is still dead after respawn-pane`);
      continue;
    }
    const how = t.kill ? 'respawn-pane -k' : 'respawn-pane';
    c.d.journal.appendDurable('pipeline.agent-restored', { runId: r.runId, stage: r.stage, agent: t.name, paneId: t.paneId, was: t.state, reason: t.reason, how });
    done.push(`restored ${t.name} (was ${t.state}: ${t.reason}) with ${how} of pane ${t.paneId}`);
  }
  if (errors.length > 0) throw new ActionError(`restore-agent: could not restore ${errors.join('; ')}${done.length ? `; meanwhile: ${done.join('; ')}` : ''}`);
  if (assessed.length === 0) return `nothing to restore: ${rows.length} agent(s), none dead or unresponsive`;
  return done.join('\n');
};
