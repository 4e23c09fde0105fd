/**
 * Command probes (the content loop's figures come from outside): each runs its command every so
 * often and records the number it prints as a metric (`metric.set`, by "probe"), so conditions and
 * reports read it by name. Output that is not one number is an error the controller logs; the
 * metric keeps its last value.
 */
import type { EventSink } from '../core/events/index.js';
import type { ShellPort } from '../shell/port.js';

export interface ProbeSpec {
  name: string;
  command: string | readonly string[];
  everyMs: number;
}

export class Probes {
  private readonly timers: NodeJS.Timeout[] = [];
  /** The last value recorded per probe: an unchanged figure is not journaled again. */
  private readonly last = new Map<string, number>();

  constructor(private readonly o: { shell: ShellPort; journal: EventSink; cwd: string; env: Record<string, string>; log: (l: string) => void }) {}

  /** Runs one probe now; resolves with the value recorded, or null after logging why not. */
  async run(p: ProbeSpec): Promise<number | null> {
    const argv = typeof p.command === 'string' ? [p.command] : p.command;
    const r = await this.o.shell.run({ argv, sh: typeof p.command === 'string', cwd: this.o.cwd, env: this.o.env, timeoutMs: Math.min(p.everyMs, 60_000) });
    const out = r.stdout.trim();
    const why = r.spawnError ? `could not run: ${r.spawnError}` : r.exitCode !== 0 ? `exited with ${r.exitCode ?? r.signal}` : !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(out) ? `printed ${JSON.stringify(out.slice(0, 80))}, not one number` : null;
    if (why) {
      this.o.log(`probe ${p.name}: ${why}; the metric keeps its last value`);
      return null;
    }
    const value = Number(out);
    if (this.last.get(p.name) !== value) this.o.journal.append('metric.set', { name: p.name, value, by: 'probe' });
    this.last.set(p.name, value);
    return value;
  }

  start(list: readonly ProbeSpec[]): void {
    for (const p of list) {
      const tick = () => void this.run(p).catch((e: unknown) => this.o.log(`probe ${p.name}: ${String(e)}`));
      tick();
      this.timers.push(setInterval(tick, p.everyMs).unref());
    }
  }

  stop(): void {
    for (const t of this.timers.splice(0)) clearInterval(t);
  }
}
