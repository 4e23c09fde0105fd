import { z } from 'zod';
import { message } from './define.js';

export const hook = message({
  name: 'hook',
  describe: "an agent CLI's own hook fired (installed with `hooks: true`)",
  // `prompt`: what UserPromptSubmit says was submitted (proof of delivery for the deliverer).
  request: () => z.object({ agent: z.string(), event: z.enum(['prompt-submit', 'stop', 'notification']), prompt: z.string().max(1 << 20).optional() }).strict(),
  reply: () => z.object({ ok: z.literal(true) }),
});
