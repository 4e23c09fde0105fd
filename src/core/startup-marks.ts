/**
 * Milliseconds since this process (or its origin) started at each named step of its start-up: the controller's
 * (`controller.started`) and `up`'s own (`session.created`), read by `doctor` and the bench.
 */
export class StartupMarks {
  readonly ms: Record<string, number> = {};

  /** `origin`: performance.now() at the start (a spare controller's start is its request, not its process). */
  constructor(private readonly origin = 0) {}

  mark(step: string): void {
    this.ms[step] = Math.round((performance.now() - this.origin) * 10) / 10;
  }
}
