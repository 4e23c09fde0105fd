import { writeMessage } from '../../bus/writer.js';
import type { Impls } from '../../ipc/handlers.js';
import type { Messaging } from '../messaging.js';

export type MessagingMessages = 'inbox' | 'send' | 'message.wait';

/** The bus's answers (the messaging part). */
export function messagingHandlers(m: Messaging): Pick<Impls, MessagingMessages> {
  return {
    inbox: () => ({ waiting: m.waitingReasons(), outcomes: m.outcomes.recent(), recipients: m.recipients }),
    send: (req) => {
      const r = writeMessage(m.busDir, { from: req.from, to: req.to, text: req.text, priority: req.priority });
      return { id: r.id };
    },
    'message.wait': (req) => m.outcomes.wait(req.to, req.id, req.timeoutMs),
  };
}
