import { z } from 'zod';
import { message } from './define.js';

export const hook = message({
  name: 'hook',
  describe: "an agent CLI's own hook fired (installed with `hooks: true`)",
  request: z.object({ agent: z.string(), event: z.enum(['prompt-submit', 'stop', 'notification']) }).strict(),
  reply: z.object({ ok: z.literal(true) }),
});
