import type { IpcErrorBody, StatusResult } from './protocol.js';

/** The one message a starting controller sends to the `miyabi up` that spawned it. */
export type StartMessage = { ok: true; status: StatusResult } | { ok: false; error: IpcErrorBody };
