import type { z } from 'zod';
import { agents } from './agents.js';
import { assign } from './assign.js';
import type { MessageDef } from './define.js';
import { detach } from './detach.js';
import { diff } from './diff.js';
import { done } from './done.js';
import { down } from './down.js';
import { health } from './health.js';
import { focus } from './focus.js';
import { heartbeat } from './heartbeat.js';
import { hook } from './hook.js';
import { inbox } from './inbox.js';
import { kill } from './kill.js';
import { messageWait } from './message-wait.js';
import { metricSet } from './metric-set.js';
import { metrics } from './metrics.js';
import { ping } from './ping.js';
import { recover } from './recover.js';
import { restart } from './restart.js';
import { report } from './report.js';
import { runCancel } from './run-cancel.js';
import { runResume } from './run-resume.js';
import { runStart } from './run-start.js';
import { runsList } from './runs-list.js';
import { send } from './send.js';
import { spawn } from './spawn.js';
import { status } from './status.js';
import { subscribe } from './subscribe.js';
import { taskAdd } from './task-add.js';
import { taskCancel } from './task-cancel.js';
import { taskList } from './task-list.js';
import { triggersList } from './triggers-list.js';
import { triggersTest } from './triggers-test.js';
import { usage } from './usage.js';

function byName<const L extends readonly MessageDef[]>(list: L): { [M in L[number] as M['name']]: M } {
  return Object.fromEntries(list.map((m) => [m.name, m])) as { [M in L[number] as M['name']]: M };
}

/**
 * Every request the controller answers, one file each. Clients import these as types only
 * (`import type`), so a client bundle never carries zod; the controller's handler table
 * (controller/handlers) must implement exactly this list.
 */
export const messages = byName([
  ping, status, subscribe, inbox, send, messageWait,
  spawn, kill, agents, hook, heartbeat,
  taskAdd, taskList, taskCancel, assign, done,
  runStart, runCancel, runsList, runResume,
  triggersList, triggersTest,
  down,
  metrics, metricSet, report, usage, restart, recover, health, focus, detach, diff,
] as const);

export type Messages = typeof messages;
export type MessageName = keyof Messages;
/** What a client sends (defaults may be left out). */
export type RequestOf<K extends MessageName> = z.input<Messages[K]['request']>;
/** What a handler receives, after the schema's defaults. */
export type ParamsOf<K extends MessageName> = z.output<Messages[K]['request']>;
export type ReplyOf<K extends MessageName> = z.output<Messages[K]['reply']>;
