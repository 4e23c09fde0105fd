import type { MessageName } from '../../ipc/messages/index.js';
import type { AgentMessages, TaskMessages } from '../handlers/agents.js';
import type { CoreMessages } from '../handlers/index.js';
import type { MessagingMessages } from '../handlers/messaging.js';
import type { RecoveryMessages } from '../handlers/recovery.js';
import type { PaneMessages } from '../handlers/panes.js';
import type { RunMessages } from '../handlers/runs.js';
import type { FeedbackMessages } from '../handlers/feedback.js';
import { agentsPart } from './agents.js';
import { feedbackPart } from './feedback.js';
import { messagingPart } from './messaging.js';
import { panesPart } from './panes.js';
import type { Part } from './part.js';
import { recoveryPart } from './recovery.js';
import { runsPart } from './runs.js';
import { triggersPart, type TriggerMessages } from './triggers.js';

/**
 * The controller's parts, in start order: each after the parts it needs (checked when the list is
 * made, and by test/unit/controller/parts.test.ts). Triggers, recovery and feedback join here.
 */
export function controllerParts(): Part[] {
  return [feedbackPart, messagingPart, agentsPart, runsPart, recoveryPart, triggersPart, panesPart];
}

/** Every message of the protocol has its answer in the core or one of the parts above (compile-time check). */
type Unanswered = Exclude<
  MessageName,
  | CoreMessages
  | MessagingMessages
  | AgentMessages
  | TaskMessages
  | RunMessages
  | FeedbackMessages
  | TriggerMessages
  | RecoveryMessages
  | PaneMessages
>;
export const UNANSWERED: Record<Unanswered, never> = {};
