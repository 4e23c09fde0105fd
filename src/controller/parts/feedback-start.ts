import { unwrapConfig } from '../../config/config-issue.js';
import type { FeedbackFile } from '../../config/feedback-schema.js';
import { loadFeedback } from '../../config/load-feedback.js';
import { type MetricsServer, serveMetrics } from '../../feedback/http.js';
import { LiveMetrics } from '../../feedback/metrics.js';
import { QualityLoop } from '../../feedback/loops/quality.js';
import { busDirOf } from '../../bus/layout.js';
import { writeMessage } from '../../bus/writer.js';
import { DEFAULT_PRICES, loadPrices } from '../../feedback/prices.js';
import { UsageRecorder } from '../../feedback/usage.js';
import { Probes } from '../../feedback/probes.js';
import { resolve } from 'node:path';
import { type Channel, commandChannel, desktopChannel, onPath, tmuxChannel, webhookChannel } from '../../feedback/notify/channels.js';
import { Notifier } from '../../feedback/notify/notifier.js';
import type { Budgets } from '../../feedback/series.js';
import { processShell } from '../../shell/run.js';
import { feedbackHandlers } from '../handlers/feedback.js';
import type { PartContext, Running } from './part.js';

function budgetsOf(cfg: FeedbackFile): Budgets {
  const b: Required<Budgets> = { costUsd: {}, tokens: {} };
  for (const [agent, x] of Object.entries(cfg.budgets ?? {})) {
    if (x.cost_usd) b.costUsd[agent] = x.cost_usd;
    if (x.tokens) b.tokens[agent] = x.tokens;
  }
  return b;
}

function channelsOf(ctx: PartContext, cfg: FeedbackFile): Map<string, Channel> {
  const n = cfg.notify ?? {};
  const m = new Map<string, Channel>();
  m.set('tmux', tmuxChannel(ctx.tmux, ctx.layout.session));
  m.set('desktop', desktopChannel(processShell, ctx.env, ctx.paths.root));
  if (n.webhook) {
    m.set('webhook', webhookChannel({
      url: n.webhook.url,
      ...(n.webhook.retries !== undefined ? { retries: n.webhook.retries } : {}),
      ...(n.webhook.backoff !== undefined ? { backoffMs: n.webhook.backoff } : {}),
      ...(n.webhook.timeout !== undefined ? { timeoutMs: n.webhook.timeout } : {}),
    }));
  }
  if (n.command !== undefined) m.set('command', commandChannel(processShell, n.command, ctx.env, ctx.paths.root));
  const routed = new Set(Object.values(n.routes ?? {}).flat());
  if (routed.has('desktop') && !onPath('notify-send', ctx.env)) ctx.log('desktop notifications: not configured (notify-send is not installed); each one is journaled notify.failed');
  for (const c of routed) if (!m.has(c)) ctx.log(`notifications to ${c}: not configured (feedback.yaml has no notify.${c}); each one is journaled notify.failed`);
  return m;
}

/** The feedback part's start (parts/feedback.ts), loaded once `up` has been told (issue #17). */
export async function startFeedback(ctx: PartContext): Promise<Running> {
  // A bad feedback.yaml stops the start with file:line:col, like a bad layout.
  const cfg = unwrapConfig(loadFeedback(ctx.paths.root, ctx.paths.root), 'fix feedback.yaml, then run `miyabi up` again');
  const t0 = performance.now();
  const live = new LiveMetrics({ root: ctx.journal.root, stateDir: ctx.paths.state, budgets: budgetsOf(cfg) });
  ctx.log(`metrics folded to seq ${live.fold.state.lastSeq} in ${Math.round(performance.now() - t0)} ms`);
  const notifier = new Notifier({
    routes: cfg.notify?.routes ?? {},
    channels: channelsOf(ctx, cfg),
    ...(cfg.notify?.quiet_hours ? { quietHours: cfg.notify.quiet_hours } : {}),
    ...(cfg.notify?.dedupe !== undefined ? { dedupeMs: cfg.notify.dedupe } : {}),
    journal: ctx.journal,
    log: (l) => ctx.log(l),
  });
  const quality = new QualityLoop({
    root: ctx.paths.root,
    journal: ctx.journal,
    send: (to, text) => writeMessage(busDirOf(ctx.paths), { from: 'miyabi', to, text }).id,
  });
  const offs = [ctx.journal.onAppend(live.onRecord), ctx.journal.onAppend(notifier.onRecord), ctx.journal.onAppend(quality.onRecord)];
  // The price table is read once per use, so an edit counts from the next turn on.
  const pricesFile = cfg.prices === undefined ? DEFAULT_PRICES : resolve(ctx.paths.root, cfg.prices);
  loadPrices(pricesFile);
  const usage = new UsageRecorder({ state: () => live.fold.state, journal: ctx.journal, prices: () => loadPrices(pricesFile) });
  const probes = new Probes({ shell: processShell, journal: ctx.journal, cwd: ctx.paths.root, env: Object.fromEntries(Object.entries(ctx.env).filter((e): e is [string, string] => e[1] !== undefined)), log: (l) => ctx.log(l) });
  probes.start(Object.entries(cfg.probes ?? {}).map(([name, x]) => ({ name, command: x.command, everyMs: Math.max(1000, x.every ?? 300_000) })));
  let http: MetricsServer | null = null;
  if (cfg.metrics_port !== undefined) {
    try {
      http = await serveMetrics({ port: cfg.metrics_port, series: () => live.series(), health: () => ({ lastSeq: live.fold.state.lastSeq }) });
      ctx.log(`metrics served on http://127.0.0.1:${http.port}/metrics`);
    } catch (e) {
      // A port in use must not stop the session: the metrics stay readable with `miyabi metrics`.
      ctx.log(`metrics endpoint not started on 127.0.0.1:${cfg.metrics_port}: ${String(e)}`);
    }
  }
  return {
    gives: { metrics: live.reader },
    handlers: feedbackHandlers(live, ctx.journal, usage),
    stop: () => {
      for (const off of offs) off();
      notifier.stop();
      probes.stop();
      void http?.close();
      try {
        live.save();
      } catch (e) {
        ctx.log(`metrics checkpoint not saved: ${String(e)}`);
      }
    },
  };
}
