/**
 * Milliseconds since this process started at each named step of its start-up: the controller's
 * (`controller.started`) and `up`'s own (`session.created`), read by `doctor` and the bench.
 */
export class StartupMarks {
  readonly ms: Record<string, number> = {};

  mark(step: string): void {
    this.ms[step] = Math.round(performance.now() * 10) / 10;
  }
}
