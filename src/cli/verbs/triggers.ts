/**
 * `miyabi triggers [--json]`: every rule with its last and next firing and its activation count
 * (the controller's view; with none up, the rules as loaded here). `miyabi triggers test <type>
 * [k=v…]`: a dry run — which rules the event would fire, with what variables; it starts nothing.
 */
import { loadTriggers } from '../../config/load-triggers.js';
import { unwrapConfig } from '../../config/config-issue.js';
import { replayJournal } from '../../core/journal.js';
import { TriggerEngine } from '../../triggers/engine.js';
import { dryRun, rows, type TriggerRow } from '../../triggers/view.js';
import { cliContext, tryConnect, type GlobalOptions } from '../context.js';
import { parsePairs } from './emit.js';

function offline(root: string, stateDir: string): TriggerEngine {
  const cfg = unwrapConfig(loadTriggers({ projectRoot: root }), 'fix triggers.yaml (miyabi validate lists every problem)');
  const none = async () => { throw new Error('a dry run starts nothing'); };
  const engine = new TriggerEngine({ rules: cfg.rules, starter: { start: none, cancel: none, done: () => undefined }, sink: { append: () => undefined, appendDurable: () => undefined }, pipelineOf: () => '' });
  try {
    engine.restore(replayJournal(stateDir));
  } catch {
    // no journal yet: no counts
  }
  return engine;
}

const when = (t?: number) => (t === undefined ? '-' : new Date(t).toISOString().replace('T', ' ').slice(0, 19));

function print(list: TriggerRow[]): void {
  for (const r of list) {
    const state = r.enabled ? 'on ' : 'off';
    process.stdout.write(`${state} ${r.name.padEnd(18)} ${r.when}\n      → ${r.starts}\n`);
    const bits = [`fired ${r.count}×`, `last ${when(r.lastFiredAt)}`, ...(r.nextAt !== undefined ? [`next ${when(r.nextAt)}`] : []),
      ...(r.value !== undefined ? [`value ${r.value}`] : []), ...(r.error ? [`(${r.error})`] : []), ...(r.origin === 'default' ? ['default rule'] : [])];
    process.stdout.write(`      ${bits.join('  ')}\n`);
    for (const n of r.needs) process.stdout.write(`      needs: ${n}\n`);
  }
}

export async function triggers(o: GlobalOptions & { action?: string; args?: string[]; json?: boolean }): Promise<number> {
  const { paths } = cliContext(o);
  const client = await tryConnect(paths, 300);
  try {
    if (o.action === 'test') {
      const [type, ...pairs] = o.args ?? [];
      if (!type) throw new Error('usage: miyabi triggers test <type> [key=value…]');
      const data = parsePairs(pairs);
      const r = client ? await client.request('triggers.test', { type, data }) : { matches: dryRun(offline(paths.root, paths.dir), { id: 'test', type, ts: Date.now(), source: 'test', data }) };
      if (o.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
      else if (r.matches.length === 0) process.stdout.write(`no rule matches ${type}\n`);
      else for (const m of r.matches) process.stdout.write(`${m.wouldFire ? 'fires' : 'would not fire'}: ${m.rule} → ${m.starts}${m.why ? ` (${m.why})` : ''}\n${Object.entries(m.vars).map(([k, v]) => `    ${k}=${v}\n`).join('')}`);
      return 0;
    }
    const r = client ? await client.request('triggers.list', {}) : { rules: rows(offline(paths.root, paths.dir)), files: [] as string[] };
    if (o.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    else {
      if ('problem' in r && r.problem) process.stdout.write(`the controller loaded no rules: ${r.problem}\n`);
      if (!client) process.stdout.write('(no controller runs: the rules as loaded here; next firings are computed, nothing fires)\n');
      print(r.rules);
    }
    return 0;
  } finally {
    client?.close();
  }
}
