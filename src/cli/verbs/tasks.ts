import type { Task } from '../../agents/tasks/index.js';
import { MiyabiError } from '../../core/errors.js';
import type { RequestArgs } from '../../ipc/client.js';
import type { MessageName, ReplyOf, RequestOf } from '../../ipc/messages/index.js';
import { cliContext, tryConnect, type GlobalOptions } from '../context.js';

async function call<K extends MessageName>(o: GlobalOptions, type: K, ...args: RequestArgs<K>): Promise<ReplyOf<K>> {
  const { paths } = cliContext(o);
  const c = await tryConnect(paths);
  if (!c) throw new MiyabiError('CONTROLLER_DOWN', `no controller is running for ${paths.root}`, { hint: 'start one with `miyabi up`' });
  try {
    return await c.request(type, ...args);
  } finally {
    c.close();
  }
}

const line = (t: Task) =>
  `${t.id}  ${t.state.padEnd(9)} ${(t.assignee ?? t.agent ?? '-').padEnd(12)} ${t.priority.padEnd(6)} ${t.text.length > 60 ? `${t.text.slice(0, 57)}…` : t.text}`;

export async function taskVerb(o: GlobalOptions & { action: string; args: string[]; json?: boolean; agent?: string; priority?: string; label?: string[]; timeout?: string }): Promise<number> {
  switch (o.action) {
    case 'add': {
      const text = o.args.join(' ');
      const t = await call(o, 'task.add', { text, ...(o.agent ? { agent: o.agent } : {}), ...(o.priority ? { priority: o.priority } : {}), ...(o.label?.length ? { labels: o.label } : {}), ...(o.timeout ? { timeout: o.timeout } : {}) });
      process.stdout.write(o.json ? `${JSON.stringify(t, null, 2)}\n` : `queued ${t.id}\n`);
      return 0;
    }
    case 'list': {
      const all = await call(o, 'task.list');
      process.stdout.write(o.json ? `${JSON.stringify(all, null, 2)}\n` : all.length ? `${all.map(line).join('\n')}\n` : 'no tasks\n');
      return 0;
    }
    case 'cancel': {
      const [id] = o.args;
      if (!id) throw new MiyabiError('USAGE', 'task cancel needs a task id', { hint: 'miyabi task list shows them' });
      const t = await call(o, 'task.cancel', { id });
      process.stdout.write(`${t.id} ${t.state}\n`);
      return 0;
    }
    default:
      throw new MiyabiError('USAGE', `unknown task action "${o.action}"`, { hint: 'one of: add, list, cancel' });
  }
}

export async function assignVerb(o: GlobalOptions & { agent: string; id: string }): Promise<number> {
  const t = await call(o, 'assign', { agent: o.agent, id: o.id });
  process.stdout.write(`${t.id} handed to ${o.agent}\n`);
  return 0;
}

/** `miyabi done [TASK] [--fail [REASON]]`, typed by an agent in its pane (MIYABI_AGENT names it). */
export async function doneVerb(o: GlobalOptions & { id?: string; fail?: string | boolean }): Promise<number> {
  const agent = process.env.MIYABI_AGENT;
  if (!o.id && !agent) throw new MiyabiError('USAGE', 'outside an agent pane, name the task: miyabi done <task>');
  const fail = o.fail === undefined || o.fail === false ? {} : { fail: typeof o.fail === 'string' ? o.fail : 'the agent said it failed' };
  const t = await call(o, 'done', { ...(agent ? { agent } : {}), ...(o.id ? { id: o.id } : {}), ...fail });
  process.stdout.write(`${t.id} ${t.state}\n`);
  return 0;
}

/** `miyabi heartbeat`, from an agent's pane: it is alive and working, whatever its screen says. */
export async function heartbeatVerb(o: GlobalOptions): Promise<number> {
  const agent = process.env.MIYABI_AGENT;
  if (!agent) throw new MiyabiError('USAGE', 'miyabi heartbeat is for an agent pane (MIYABI_AGENT is not set)');
  await call(o, 'heartbeat', { agent });
  return 0;
}

/** `miyabi hook <event>`: what an agent CLI's hook runs (see controller/agent-hooks.ts). */
export async function hookVerb(o: GlobalOptions & { event: string }): Promise<number> {
  const agent = process.env.MIYABI_AGENT;
  // A hook must never break the agent: outside miyabi, or with no controller, it does nothing.
  if (!agent) return 0;
  // The controller checks the event name (commander passes any word).
  // Claude Code gives UserPromptSubmit its prompt as JSON on stdin: the proof a message went in.
  const prompt = o.event === 'prompt-submit' ? await hookPrompt() : undefined;
  await call(o, 'hook', { agent, event: o.event as RequestOf<'hook'>['event'], ...(prompt === undefined ? {} : { prompt }) }).catch(() => undefined);
  return 0;
}

/** The `prompt` of the hook's JSON input, if there is one within a second (never blocks a hook for long). */
async function hookPrompt(): Promise<string | undefined> {
  if (process.stdin.isTTY) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  const done = new Promise<void>((resolve) => {
    const t = setTimeout(resolve, 1000);
    process.stdin.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= 1 << 20) chunks.push(c);
    });
    process.stdin.on('end', () => {
      clearTimeout(t);
      resolve();
    });
    process.stdin.on('error', () => resolve());
  });
  await done;
  process.stdin.destroy();
  try {
    const j = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { prompt?: unknown };
    return typeof j.prompt === 'string' ? j.prompt : undefined;
  } catch {
    return undefined;
  }
}
