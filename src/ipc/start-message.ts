import type { IpcErrorBody, StatusResult } from './protocol.js';

/** The one message a starting controller sends to the `miyabi up` that spawned it. */
export type StartMessage =
  /** `warnings`: what the layout holds that miyabi does not map (a tmuxinator/tmuxp file), file:line each. */
  | { ok: true; status: StatusResult; warnings?: string[] }
  | { ok: false; error: IpcErrorBody };
