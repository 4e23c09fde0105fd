/**
 * IPC between the controller and its clients: JSON lines over a unix socket. A request names a
 * `type` from the message list (ipc/messages, one file each), a response echoes its `id`. A `subscribe`
 * request turns the connection into a stream of journal events (`{event: …}` frames).
 */
export const MAX_FRAME_BYTES = 1024 * 1024;

/**
 * A connection that neither asks nor subscribes for this long is closed by the server (a flood of
 * idle ones must not lock the CLI out). A client that keeps one open between requests (the
 * conductor) must not reuse it after half this: by then the server may be closing it.
 */
export const IDLE_TIMEOUT_MS = 10_000;

export interface IpcRequest {
  id: number;
  type: string;
  payload?: unknown;
}

export interface IpcErrorBody {
  code: string;
  message: string;
  hint?: string;
}

export type IpcResponse =
  | { id: number; ok: true; result: unknown }
  | { id: number | null; ok: false; error: IpcErrorBody };

export interface JournalEventFrame {
  event: { seq: number; ts: number; type: string; payload: unknown };
}

/** Shapes of replies live with their message (ipc/messages); these two are used widely. */
export type { PaneStatus, StatusResult } from './messages/status.js';
