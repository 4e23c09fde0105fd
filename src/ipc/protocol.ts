/**
 * IPC between the controller and its clients: JSON lines over a unix socket. A request names a
 * `type` from the handler table (controller/handlers), a response echoes its `id`. A `subscribe`
 * request turns the connection into a stream of journal events (`{event: …}` frames).
 */
export const MAX_FRAME_BYTES = 1024 * 1024;

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

/** `subscribe`: with `fromSeq` (the last seq the client saw), every record after it comes first. */
export interface SubscribePayload {
  fromSeq?: number;
}

/** `afterSeq`: every record with a greater seq comes on the stream (null: the server keeps no journal). */
export interface SubscribeResult {
  subscribed: true;
  afterSeq: number | null;
}

export interface JournalEventFrame {
  event: { seq: number; ts: number; type: string; payload: unknown };
}

export interface PaneStatus {
  name: string;
  role: string;
  paneId: string;
  window: string;
  pid: number;
  /** The command the layout asked for, as the user would type it. */
  command: string;
  /** What tmux says runs in the pane now (#{pane_current_command}). */
  currentCommand: string;
  cwd: string;
  alive: boolean;
  deadStatus: number | null;
}

export interface StatusResult {
  session: string;
  tmuxSocket: string;
  root: string;
  layout: string;
  controller: { pid: number; startedAt: string; uptimeMs: number; ipcPath: string };
  panes: PaneStatus[];
}
