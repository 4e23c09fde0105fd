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
