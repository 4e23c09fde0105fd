/**
 * `miyabi emit <type> [key=value…] [--json DATA] [--id ID]`: puts an event on the bus, where the
 * controller's triggers take it (at once, or after the next `up` when none runs). No controller is
 * needed: the event is a file in `.miyabi/bus/_events/new/`. Prints the event's id.
 */
import { writeEvent } from '../../bus/events.js';
import { MiyabiError } from '../../core/errors.js';
import { cliContext, type GlobalOptions } from '../context.js';

export function parsePairs(pairs: readonly string[], json?: string): Record<string, unknown> {
  let data: Record<string, unknown> = {};
  if (json !== undefined) {
    let v: unknown;
    try {
      v = JSON.parse(json);
    } catch (e) {
      throw new MiyabiError('USAGE', `--json is not JSON: ${e instanceof Error ? e.message : String(e)}`, { hint: `e.g. --json '{"branch":"main"}'` });
    }
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new MiyabiError('USAGE', '--json must be a JSON object ({"key": value, …})');
    data = v as Record<string, unknown>;
  }
  for (const p of pairs) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new MiyabiError('USAGE', `${JSON.stringify(p)} is not key=value`, { hint: 'e.g. miyabi emit git.push branch=main sha=abc123' });
    data[p.slice(0, eq)] = p.slice(eq + 1);
  }
  return data;
}

export async function emit(o: GlobalOptions & { type: string; pairs?: string[]; json?: string; id?: string; source?: string }): Promise<number> {
  const { paths } = cliContext(o, 'create');
  const data = parsePairs(o.pairs ?? [], o.json);
  const r = writeEvent(paths.bus, { type: o.type, data, ...(o.id ? { id: o.id } : {}), ...(o.source ? { source: o.source } : {}) });
  process.stdout.write(`${r.id}\n`);
  return 0;
}
