/** `miyabi logs <run> [stage] [-f]`: a run's stage logs (all stages in the order they ran, or one); -f follows until the run ends. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { MiyabiError } from '../../core/errors.js';
import { readRun, runDir } from '../../pipelines/run-dir.js';
import { cliContext, type GlobalOptions } from '../context.js';

export async function logs(o: GlobalOptions & { run: string; stage?: string; follow?: boolean }): Promise<number> {
  const { paths } = cliContext(o);
  const dir = runDir(paths.root, o.run);
  if (readRun(dir) === null) throw new MiyabiError('NOT_FOUND', `no run ${JSON.stringify(o.run)} in ${path.dirname(dir)}`, { hint: 'miyabi runs lists them' });
  const files = (): string[] => {
    if (o.stage !== undefined) return [path.join(dir, `${o.stage}.log`)];
    const order = [...new Set((readRun(dir)?.stages ?? []).map((s) => s.name))];
    return order.map((s) => path.join(dir, `${s}.log`)).filter(existsSync);
  };
  if (o.stage !== undefined && !o.follow && !existsSync(files()[0] as string)) {
    throw new MiyabiError('NOT_FOUND', `stage ${JSON.stringify(o.stage)} of ${o.run} wrote no log`, { hint: `miyabi logs ${o.run} shows every stage` });
  }
  process.stdout.on('error', () => {}); // a closed pipe (`| head`) is not an error
  const pos = new Map<string, number>();
  const pump = () => {
    for (const f of files()) {
      if (!existsSync(f)) continue;
      const size = statSync(f).size;
      const from = pos.get(f) ?? 0;
      if (size <= from) continue;
      if (o.stage === undefined && from === 0) process.stdout.write(`==> ${path.basename(f, '.log')} <==\n`);
      process.stdout.write(readFileSync(f).subarray(from, size));
      pos.set(f, size);
    }
  };
  pump();
  if (!o.follow) return 0;
  let stop = false;
  process.once('SIGINT', () => { stop = true; });
  while (!stop && readRun(dir)?.status === 'running') {
    await new Promise((r) => setTimeout(r, 200));
    pump();
  }
  pump();
  return 0;
}
