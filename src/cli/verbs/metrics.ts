/**
 * `miyabi metrics [--json]` (Prometheus text format, or JSON) and `miyabi metric set NAME VALUE`.
 * With the controller up they ask it (its metrics are kept live); with it down they fold the
 * journal here, from the controller's last checkpoint.
 */
import { METRIC_NAME } from '../../core/events/feedback.js';
import { MiyabiError } from '../../core/errors.js';
import { Journal } from '../../core/journal.js';
import { foldJournal } from '../../feedback/metrics.js';
import { promText } from '../../feedback/prom.js';
import { type Series, toSeries } from '../../feedback/series.js';
import { lockOrController } from '../run-local.js';
import { cliContext, tryConnect, type GlobalOptions } from '../context.js';

export async function metricsVerb(o: GlobalOptions & { json?: boolean }): Promise<number> {
  const { paths } = cliContext(o);
  const c = await tryConnect(paths);
  let series: Series[];
  if (c) {
    try {
      series = await c.request('metrics');
    } finally {
      c.close();
    }
  } else {
    series = toSeries(foldJournal(paths.dir, { stateDir: paths.state }).state, { now: Date.now() });
  }
  process.stdout.write(o.json ? `${JSON.stringify(series, null, 2)}\n` : await promText(series));
  return 0;
}

export async function metricSetVerb(o: GlobalOptions & { action: string; name?: string; value?: string }): Promise<number> {
  if (o.action !== 'set') throw new MiyabiError('USAGE', `unknown metric action "${o.action}"`, { hint: 'miyabi metric set <name> <value>' });
  const name = o.name ?? '';
  if (!METRIC_NAME.test(name)) throw new MiyabiError('USAGE', `metric name ${JSON.stringify(name)}: expected lower-case words joined by . or _ (ctr, content.ctr)`);
  const value = Number(o.value);
  if (o.value === undefined || o.value.trim() === '' || !Number.isFinite(value)) throw new MiyabiError('USAGE', `metric ${name}: value ${JSON.stringify(o.value ?? '')} is not a number`);
  const { paths } = cliContext(o, 'create');
  const got = await lockOrController(paths, null, (s) => process.stderr.write(s));
  if (got === 'skipped') return 1;
  if ('request' in got) {
    try {
      const r = await got.request('metric.set', { name, value });
      process.stdout.write(`${r.name} = ${r.value}\n`);
    } finally {
      got.close();
    }
    return 0;
  }
  // No controller: this process holds its lock, so the journal still has one writer.
  try {
    const j = Journal.open(paths.dir, { fsync: 'always' });
    try {
      j.append('metric.set', { name, value, by: 'miyabi metric set' });
    } finally {
      j.close();
    }
  } finally {
    got.release();
  }
  process.stdout.write(`${name} = ${value}\n`);
  return 0;
}
