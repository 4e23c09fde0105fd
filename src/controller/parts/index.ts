import { agentsPart } from './agents.js';
import { messagingPart } from './messaging.js';
import type { Part } from './part.js';
import { runsPart } from './runs.js';

/**
 * The controller's parts, in start order: each after the parts it needs (checked when the list is
 * made, and by test/unit/controller/parts.test.ts). Triggers, recovery and feedback join here.
 */
export function controllerParts(): Part[] {
  return [messagingPart, agentsPart, runsPart];
}
