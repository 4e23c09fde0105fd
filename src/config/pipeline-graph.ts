/**
 * How a run moves between stages — the one reading of the document's edges, shared by `validate`
 * (which refuses loops that can never end) and the runner:
 *
 * - Stages without edges run in list order. A stage that some edge points to (`error-report`,
 *   `complete`) is reached only through that edge, never by falling through.
 * - passed → `on_success`, else the next fall-through stage after it in the list, else the run ends.
 * - failed → `on_failure`. With no `on_failure` the failure is unhandled: the run is failed, and
 *   from then on only stages with a `condition` that holds still run (so `condition: error-detected`
 *   recovery stages do); the others are skipped.
 * - skipped because its condition is false → `on_success` (the stage had nothing to do, and the
 *   run goes on as if it had passed), else the next fall-through stage.
 * - `rollback` names the built-in rollback stage unless the pipeline defines its own; the run ends
 *   after it.
 * - A continuous stage routes as passed as soon as it has started.
 */
export interface GraphStage {
  name: string;
  on_success?: string | undefined;
  on_failure?: string | undefined;
  condition?: string | undefined;
}

export type RouteOutcome = 'passed' | 'failed' | 'skipped';
export const ROLLBACK = 'rollback';

/** Names that some edge points to. */
export function edgeTargets(stages: readonly GraphStage[]): Set<string> {
  const t = new Set<string>();
  for (const s of stages) {
    if (s.on_success !== undefined) t.add(s.on_success);
    if (s.on_failure !== undefined) t.add(s.on_failure);
  }
  return t;
}

/** The next stage in list order after `index` that no edge points to, or null. */
export function nextFallThrough(stages: readonly GraphStage[], index: number, targets = edgeTargets(stages)): string | null {
  for (let i = index + 1; i < stages.length; i++) {
    const s = stages[i] as GraphStage;
    if (!targets.has(s.name)) return s.name;
  }
  return null;
}

export function entryStage(stages: readonly GraphStage[]): string | null {
  return nextFallThrough(stages, -1);
}

export interface Route {
  to: string | null;
  via: 'on_success' | 'on_failure' | 'order' | 'unhandled-failure' | 'end';
}

/** Where a run goes after `name` ended with `outcome`. `rollback` (built-in) always ends the run. */
export function route(stages: readonly GraphStage[], name: string, outcome: RouteOutcome): Route {
  const index = stages.findIndex((s) => s.name === name);
  const s = stages[index];
  if (s === undefined) return { to: null, via: 'end' };
  if (outcome === 'failed') {
    if (s.on_failure !== undefined) return { to: s.on_failure, via: 'on_failure' };
    const next = nextFallThrough(stages, index);
    return { to: next, via: next === null ? 'end' : 'unhandled-failure' };
  }
  if (s.on_success !== undefined) return { to: s.on_success, via: 'on_success' };
  const next = nextFallThrough(stages, index);
  return { to: next, via: next === null ? 'end' : 'order' };
}

/**
 * Stages reachable from the entry from which the run can never reach its end, whatever the outcomes:
 * a loop with no way out. Each comes with one loop it sits in, for the message.
 */
export function endlessLoops(stages: readonly GraphStage[]): { stage: string; loop: string[] }[] {
  const names = new Set(stages.map((s) => s.name));
  const next = new Map<string, (string | null)[]>();
  for (const s of stages) {
    const outs: (string | null)[] = [route(stages, s.name, 'passed').to, route(stages, s.name, 'failed').to];
    if (s.condition !== undefined) outs.push(route(stages, s.name, 'skipped').to);
    // An unknown target is reported elsewhere; here it counts as an end.
    next.set(s.name, outs.map((t) => (t !== null && names.has(t) ? t : null)));
  }
  // canEnd: a stage with an outcome that ends the run, or that leads to one that can.
  const canEnd = new Set<string>();
  for (let changed = true; changed;) {
    changed = false;
    for (const [n, outs] of next) {
      if (!canEnd.has(n) && outs.some((t) => t === null || canEnd.has(t))) {
        canEnd.add(n);
        changed = true;
      }
    }
  }
  const reach = reachable(stages, (n) => next.get(n) ?? []);
  const out: { stage: string; loop: string[] }[] = [];
  for (const s of stages) {
    if (!reach.has(s.name) || canEnd.has(s.name)) continue;
    const loop = [s.name];
    let cur = next.get(s.name)?.[0] ?? null;
    while (cur !== null && !loop.includes(cur) && loop.length < 50) {
      loop.push(cur);
      cur = next.get(cur)?.[0] ?? null;
    }
    if (cur !== null) loop.push(cur);
    out.push({ stage: s.name, loop });
  }
  return out;
}

/** Stages a run can never reach (warnings). */
export function unreachable(stages: readonly GraphStage[]): string[] {
  const reach = reachable(stages, (n) => (['passed', 'failed', 'skipped'] as const).map((o) => route(stages, n, o).to));
  return stages.map((s) => s.name).filter((n) => !reach.has(n));
}

/** Stages reachable from the entry, following `next` (null: the run ends there). */
function reachable(stages: readonly GraphStage[], next: (name: string) => readonly (string | null)[]): Set<string> {
  const entry = entryStage(stages);
  const reach = new Set<string>();
  const stack = entry === null ? [] : [entry];
  while (stack.length > 0) {
    const n = stack.pop() as string;
    if (reach.has(n)) continue;
    reach.add(n);
    for (const t of next(n)) if (t !== null) stack.push(t);
  }
  return reach;
}
