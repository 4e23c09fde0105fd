import { z } from 'zod';
import type { Task } from '../../agents/tasks/index.js';

/** A task as the queue holds it (agents/tasks): typed, not re-checked on the way out. */
export const taskReply = z.custom<Task>();
