/** Why an action failed. `permanent`: trying again cannot help (not configured, no agents), so no retry. */
export class ActionError extends Error {
  readonly permanent: boolean;
  readonly exitCode: number | undefined;
  constructor(message: string, opts: { permanent?: boolean; exitCode?: number; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.permanent = opts.permanent ?? false;
    this.exitCode = opts.exitCode;
    Object.defineProperty(this, 'name', { value: 'ActionError', enumerable: false });
  }
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * The abort reason of a run stopped by its host going away (`RunsHost.stop`), as opposed to a
 * cancel: what the run started elsewhere (an agent's task in the queue) is left to the resumed run.
 */
export class RunInterrupted extends Error {
  constructor(message: string) {
    super(message);
    Object.defineProperty(this, 'name', { value: 'RunInterrupted', enumerable: false });
  }
}

export function isRunInterrupted(reason: unknown): boolean {
  return reason instanceof Error && reason.name === 'RunInterrupted';
}
