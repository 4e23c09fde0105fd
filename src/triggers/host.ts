/**
 * The triggers inside the controller: loads the rules, takes back from the journal what earlier
 * controllers did (counts, dedupe keys, schedules' last due times, agent and stage facts), then
 * feeds the engine from every source — the bus's events folder, the journal, schedules, conditions,
 * agent output, file watches, the webhook. A triggers.yaml that does not load leaves the controller
 * up with no rules, and says why (`trigger.refused`, `miyabi triggers`).
 */
import fs from 'node:fs';
import { loadSkills } from '../config/load-skill.js';
import { loadTriggers } from '../config/load-triggers.js';
import type { TriggerConfig, TriggerRule } from '../config/trigger-schema.js';
import type { EventSink } from '../core/events/index.js';
import type { JournalRecord } from '../core/journal.js';
import type { MetricsReader } from '../core/metrics.js';
import type { ShellPort } from '../shell/port.js';
import type { PaneInfo } from '../tmux/port.js';
import { adhocName, writeAdhoc } from './adhoc.js';
import { Conditions } from './conditions.js';
import { TriggerEngine, realClock, type Clock, type Starter } from './engine.js';
import { EventInbox } from './event-inbox.js';
import { JournalFacts } from './facts.js';
import { FileWatch } from './file-watch.js';
import type { TriggerEvent } from './match.js';
import { OutputErrors } from './output-errors.js';
import { makeProbe } from './probes.js';
import { Schedules } from './schedules.js';
import { dryRun, rows } from './view.js';
import { Webhook } from './webhook.js';

export interface TriggersHostDeps {
  root: string;
  busDir: string;
  /** Where skill chains' pipeline files are written (`.miyabi/triggers`). */
  adhocDir: string;
  journal: EventSink<JournalRecord> & { replay(afterSeq?: number): Iterable<JournalRecord>; onAppend(l: (r: JournalRecord) => void): () => void };
  starter: Starter;
  shell: ShellPort;
  env: Record<string, string | undefined>;
  queueLength?: () => number;
  /** Feedback's metrics port, when a part provides it (asked lazily: it may start after triggers). */
  metrics?: () => MetricsReader | undefined;
  clock?: Clock;
  log?: (line: string) => void;
  /** Rules given directly (tests); otherwise triggers.yaml and the defaults. */
  config?: TriggerConfig;
}

export class TriggersHost {
  readonly engine: TriggerEngine;
  readonly schedules: Schedules;
  readonly conditions: Conditions;
  readonly facts: JournalFacts;
  readonly config: TriggerConfig;
  readonly problem: string | undefined;
  private readonly inbox: EventInbox;
  readonly errors: OutputErrors;
  private files: FileWatch | null = null;
  private webhook: Webhook | null = null;
  private unsubscribe: (() => void) | null = null;
  private readonly clock: Clock;
  private readonly pipelines = new Map<string, string>();

  constructor(private readonly d: TriggersHostDeps) {
    this.clock = d.clock ?? realClock;
    const log = d.log ?? (() => {});
    let config = d.config;
    if (!config) {
      const r = loadTriggers({ projectRoot: d.root, env: d.env });
      if (r.ok) config = r.value;
      else {
        this.problem = r.error.message;
        config = { rules: [], errors: { patterns: [], cooldownMs: 30_000 }, webhook: null, files: [] };
      }
    }
    this.config = config;
    this.facts = new JournalFacts(d.queueLength);
    this.engine = new TriggerEngine({ rules: config.rules, starter: d.starter, sink: d.journal, clock: this.clock, log, pipelineOf: (r) => this.pipelineOf(r) });
    const fire = (f: Parameters<TriggerEngine['fire']>[0]) => this.engine.fire(f);
    this.schedules = new Schedules(config.rules, { fire, sink: d.journal, clock: this.clock, lastDue: (n) => this.engine.stats.get(n)?.lastDue });
    const probe = makeProbe({
      readFile: (p) => fs.readFileSync(p, 'utf8'),
      statfs: (p) => fs.statfsSync(p),
      ...(d.queueLength ? { queueLength: d.queueLength } : {}),
      facts: this.facts,
      runCommand: async (command) => {
        const r = await d.shell.run({ argv: [command], sh: true, cwd: d.root, env: {}, extendEnv: true, timeoutMs: 30_000 });
        return { stdout: r.stdout, exitCode: r.exitCode };
      },
      ...(d.metrics ? { metrics: d.metrics } : {}),
      now: () => this.clock.now(),
    });
    this.conditions = new Conditions(config.rules, { fire, probe, clock: this.clock });
    this.inbox = new EventInbox(d.busDir, d.journal, (ev) => this.engine.event(ev), log);
    this.errors = new OutputErrors(config.errors, (ev) => this.event(ev), this.clock);
  }

  private pipelineOf(rule: TriggerRule): string {
    return rule.target.kind === 'pipeline' ? rule.target.pipeline : (this.pipelines.get(rule.name) ?? adhocName(rule.name));
  }

  /** Journal-fed and in-process events (not from the bus): straight to the engine. */
  event(ev: TriggerEvent): void {
    this.engine.event(ev);
  }

  start(): void {
    const d = this.d;
    if (this.problem) d.journal.append('trigger.refused', { source: 'config', reason: this.problem });
    const records = [...d.journal.replay(0)];
    this.engine.restore(records);
    this.facts.restore(records);
    const sk = loadSkills({ projectRoot: d.root });
    const skills = sk.ok ? sk.value : (sk.partial ?? new Map());
    for (const r of this.config.rules) {
      if (!r.enabled || r.target.kind !== 'skills') continue;
      try {
        const file = writeAdhoc(d.adhocDir, r, skills);
        if (file) this.pipelines.set(r.name, file);
      } catch (e) {
        d.journal.append('trigger.refused', { rule: r.name, source: 'config', reason: `its skill chain's pipeline could not be written: ${String(e)}` });
      }
    }
    this.unsubscribe = d.journal.onAppend((rec) => {
      for (const ev of this.facts.events(rec)) this.engine.event(ev);
    });
    this.inbox.start();
    this.schedules.start();
    this.conditions.start();
    const watched = this.config.rules.filter((r) => r.enabled && r.on === 'file.changed');
    if (watched.length > 0) {
      this.files = new FileWatch(d.root, watched.flatMap((r) => r.files), (ev) => this.event(ev), d.log);
      this.files.start();
    }
    if (this.config.webhook) {
      const secret = d.env[this.config.webhook.secretEnv];
      this.webhook = new Webhook({ port: this.config.webhook.port, secret, secretEnv: this.config.webhook.secretEnv, sink: d.journal, emit: (ev) => this.inboxEmit(ev) });
      this.webhook.start().catch((e) => d.journal.append('trigger.refused', { source: 'webhook', reason: `not listening: ${String(e)}` }));
    }
  }

  /** The webhook's events go through the journal like the bus's (so they are seen), then to the engine. */
  private inboxEmit(ev: TriggerEvent): void {
    this.d.journal.append('event.received', { id: ev.id, type: ev.type, source: ev.source, data: ev.data });
    this.engine.event(ev);
  }

  onPanes(panes: PaneInfo[]): void {
    this.errors.panes(panes);
  }

  onOutput(paneId: string, data: Buffer): void {
    this.errors.output(paneId, data);
  }

  list() {
    return {
      rules: rows(this.engine, { next: this.schedules.next, conditions: this.conditions.state, now: this.clock.now(), metricsMissing: !this.d.metrics?.() }),
      files: this.config.files,
      ...(this.problem ? { problem: this.problem } : {}),
    };
  }

  test(type: string, data: Record<string, unknown> = {}) {
    const now = this.clock.now();
    return { matches: dryRun(this.engine, { id: `test-${now}`, type, ts: now, source: 'test', data }, now) };
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.inbox.stop();
    this.schedules.stop();
    this.conditions.stop();
    this.engine.stop();
    await this.files?.stop();
    await this.webhook?.stop();
  }
}
