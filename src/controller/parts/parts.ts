import { MiyabiError } from '../../core/errors.js';
import type { Impls } from '../../ipc/handlers.js';
import { messages, type MessageName } from '../../ipc/messages/index.js';
import type { PaneInfo } from '../../tmux/port.js';
import type { Part, PartContext, PartName, Provided, Running, SnapshotShare } from './part.js';

/** Why the list cannot start in this order (a part needing what no earlier part gives), or null. */
export function orderProblem(list: readonly Part[]): string | null {
  const given = new Set<PartName>();
  const names = new Set<string>();
  for (const p of list) {
    if (names.has(p.name)) return `two parts are named ${p.name}`;
    names.add(p.name);
    const missing = p.needs.filter((n) => !given.has(n));
    if (missing.length) return `part ${p.name} needs ${missing.join(', ')}, which no part before it gives`;
    for (const g of p.gives) given.add(g);
  }
  return null;
}

/**
 * The controller's parts as a list: started in order (each after what it needs), told of panes
 * and output, asked for their share of the snapshot, stopped in reverse order.
 */
export class Parts {
  private readonly running: { name: string; r: Running }[] = [];

  constructor(
    private readonly list: readonly Part[],
    private readonly log: (line: string) => void,
  ) {
    const why = orderProblem(list);
    if (why) throw new MiyabiError('INTERNAL', `controller parts: ${why}`);
  }

  /** Starts every part in order; `started` hears each name as it is up (the start-up marks). */
  async start(ctx: PartContext, started?: (name: string) => void): Promise<void> {
    const got: Partial<Provided> = {};
    for (const part of this.list) {
      const r = await part.start(ctx, got as Provided);
      const wrong = part.gives.filter((g) => r.gives[g] === undefined);
      if (wrong.length) throw new MiyabiError('INTERNAL', `controller part ${part.name} did not give ${wrong.join(', ')}`);
      Object.assign(got, r.gives);
      this.running.push({ name: part.name, r });
      started?.(part.name);
    }
  }

  /**
   * The core's and every started part's answers: one for each message of the protocol. A message
   * two parts answer, or none, is a wiring mistake (parts/index.ts checks the real list's at compile time).
   */
  answers(core: Partial<Impls>): Impls {
    const all: Partial<Impls> = { ...core };
    for (const { name, r } of this.running) {
      for (const k of Object.keys(r.handlers ?? {}) as MessageName[]) {
        if (k in all) throw new MiyabiError('INTERNAL', `controller part ${name}: the message ${k} is answered already`);
        Object.assign(all, { [k]: r.handlers?.[k] });
      }
    }
    const missing = (Object.keys(messages) as MessageName[]).filter((k) => !(k in all));
    if (missing.length) throw new MiyabiError('INTERNAL', `no controller part answers ${missing.join(', ')}`);
    return all as Impls;
  }

  /** One part that throws does not keep the panes from the others. */
  onPanes(panes: PaneInfo[]): void {
    for (const { name, r } of this.running) {
      try {
        r.onPanes?.(panes);
      } catch (e) {
        this.log(`${name}: panes: ${String(e)}`);
      }
    }
  }

  /** The first part that builds the session again wins; none: the controller stops as before. */
  async sessionGone(reason: string): Promise<boolean> {
    for (const { name, r } of this.running) {
      try {
        if (r.onSessionGone && (await r.onSessionGone(reason))) return true;
      } catch (e) {
        this.log(`${name}: session gone: ${String(e)}`);
      }
    }
    return false;
  }

  onOutput(paneId: string, data: Buffer): void {
    for (const { r } of this.running) r.onOutput?.(paneId, data);
  }

  snapshot(): SnapshotShare {
    return Object.assign({}, ...this.running.map(({ r }) => r.snapshot?.() ?? {})) as SnapshotShare;
  }

  /** In reverse order, each on its own: a part whose stop fails is reported and the rest still stop. */
  async stop(reason: string, step: (what: string, fn: () => unknown) => Promise<void>): Promise<void> {
    for (const { name, r } of [...this.running].reverse()) await step(name, () => r.stop?.(reason));
  }
}
