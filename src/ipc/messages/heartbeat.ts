import { z } from 'zod';
import { message } from './define.js';

export const heartbeat = message({
  name: 'heartbeat',
  describe: 'an agent says it is alive (miyabi heartbeat in its pane)',
  request: () => z.object({ agent: z.string() }).strict(),
  reply: () => z.object({ ok: z.literal(true) }),
});
