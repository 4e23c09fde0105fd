/**
 * One writer per pane: every path that types into a pane (delivery, conductor, dashboard,
 * pipelines) runs through `withPane`, so two writers never interleave their keystrokes.
 */
export class PaneLocks {
  private readonly tails = new Map<string, Promise<unknown>>();

  withPane<T>(paneId: string, job: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(paneId) ?? Promise.resolve();
    const run = prev.then(job, job);
    const tail = run.catch(() => undefined);
    this.tails.set(paneId, tail);
    void tail.then(() => {
      if (this.tails.get(paneId) === tail) this.tails.delete(paneId);
    });
    return run;
  }

  busy(paneId: string): boolean {
    return this.tails.has(paneId);
  }
}
