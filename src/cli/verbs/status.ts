import { MiyabiError } from '../../core/errors.js';
import type { StatusResult } from '../../ipc/protocol.js';
import { cliContext, tryConnect, type GlobalOptions } from '../context.js';
import { formatStatus } from '../../ui/format-status.js';

export async function status(o: GlobalOptions & { json?: boolean }): Promise<number> {
  const ctx = cliContext(o);
  const client = await tryConnect(ctx.paths);
  if (!client) {
    throw new MiyabiError('CONTROLLER_DOWN', `no controller is running for ${ctx.paths.root}`, {
      hint: '`miyabi up` starts one (and adopts a session that is still alive)',
    });
  }
  try {
    const st = await client.request('status');
    process.stdout.write(o.json ? JSON.stringify(st, null, 2) + '\n' : formatStatus(st) + '\n');
    return 0;
  } finally {
    client.close();
  }
}
