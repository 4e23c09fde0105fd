/** The lines `miyabi run --wait` prints as its run goes, from the run's journal records. */
import { formatMs } from '../core/duration.js';

const REPORT_PATH = /[/\\]\.miyabi[/\\]reports[/\\][^\n]+\.md$/;

interface Rec {
  type: string;
  payload: unknown;
}

/** Prints one record of run `runId` when it is worth a line; true when the run has finished. */
export function printRunRecord(runId: string, rec: Rec, out: (s: string) => void = (s) => process.stdout.write(s)): boolean {
  const p = (rec.payload ?? {}) as Record<string, unknown>;
  if (p['runId'] !== runId) return false;
  switch (rec.type) {
    case 'stage.finished': {
      const extra = p['error'] ?? p['reason'];
      const tries = Number(p['attempts']) > 1 ? `, ${String(p['attempts'])} tries` : '';
      out(`${String(p['stage'])}: ${String(p['outcome'])} (${formatMs(p['durationMs'] as number)}${tries})${extra ? ` — ${String(extra)}` : ''}\n`);
      // A report action's output is the file it wrote: say where, so the run's end shows it.
      for (const v of new Set([p['output'], ...Object.values((p['outputs'] ?? {}) as Record<string, unknown>)])) {
        if (typeof v === 'string' && REPORT_PATH.test(v)) out(`  report: ${v}\n`);
      }
      break;
    }
    case 'stage.retry':
      out(`${String(p['stage'])}: try ${String(p['attempt'])} failed, retrying in ${formatMs(p['delayMs'] as number)}: ${String(p['error'])}\n`);
      break;
    case 'stage.escalated':
      out(`${String(p['stage'])}: escalated after ${String(p['attempts'])} tries\n`);
      break;
    case 'run.resumed':
      out(`run ${runId}: resumed${p['from'] ? ` at ${String(p['from'])}` : ''}\n`);
      break;
    case 'run.interrupted':
      out(`run ${runId}: interrupted — ${String(p['reason'])}\n`);
      return true;
    case 'run.dequeued':
      out(`run ${runId}: never started — ${String(p['reason'])}\n`);
      return true;
    case 'run.finished':
      out(`run ${runId}: ${String(p['outcome'])} in ${formatMs(p['durationMs'] as number)}${p['reason'] ? ` — ${String(p['reason'])}` : ''}\n`);
      return true;
  }
  return false;
}

/** The exit code of a finished run: 0 only when it succeeded. */
export function runExitCode(rec: Rec | undefined): number {
  return rec?.type === 'run.finished' && (rec.payload as { outcome?: string }).outcome === 'succeeded' ? 0 : 1;
}
