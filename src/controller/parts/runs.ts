import { RunsHost } from '../../pipelines/runs-host.js';
import { runHandlers } from '../handlers/runs.js';
import type { Part } from './part.js';

/**
 * Pipeline runs, hosted here and journaled in the one journal, with the agents' door; the host has
 * taken over the runs an earlier controller left unfinished before any request is served, so a new
 * run sees the runs it may have to wait for or cancel.
 */
export const runsPart: Part<'door'> = {
  name: 'runs',
  needs: ['door'],
  gives: ['runs'],
  start(ctx, { door }) {
    const runs = new RunsHost({
      root: ctx.paths.root,
      journal: ctx.journal,
      env: ctx.env,
      log: (l) => ctx.log(l),
      agents: () => door,
      onRunEnded: (id) => door.forgetRun(id),
      onRunAdopted: (id, seq) => door.adoptRun(id, seq),
    });
    try {
      const taken = runs.recover();
      if (taken.length) ctx.log(`pipeline runs taken over: ${taken.join(', ')}`);
    } catch (e) {
      ctx.log(`pipeline runs not taken over: ${String(e)}`);
    }
    return {
      gives: { runs },
      handlers: runHandlers(runs, ctx.paths.root),
      // Runs stop where they are and are journaled interrupted: the next controller resumes them.
      stop: (reason) => runs.stop(`the controller stopped (${reason})`),
    };
  },
};
