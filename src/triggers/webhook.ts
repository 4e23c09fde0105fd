/**
 * The webhook receiver, off unless triggers.yaml gives `webhook: { port }`: it listens on 127.0.0.1
 * only and takes GitHub's push, pull_request and issues deliveries, each checked against the secret
 * (HMAC-SHA256 of the body, GitHub's `X-Hub-Signature-256`). A bad or missing signature is refused
 * (401) and journaled; with no secret set every delivery is refused as "not configured", never
 * accepted unchecked. The delivery id (`X-GitHub-Delivery`) is the event's id, so a redelivery
 * starts no second run.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { EventSink } from '../core/events/index.js';
import type { TriggerEvent } from './match.js';

const MAX_BODY = 1024 * 1024;
type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});

export function signature(secret: string, body: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export function signatureOk(secret: string, body: Buffer, header: string | undefined): boolean {
  if (!header) return false;
  const want = Buffer.from(signature(secret, body));
  const got = Buffer.from(header);
  return want.length === got.length && timingSafeEqual(want, got);
}

/** A GitHub delivery as our event (type and fields), or null for one we do not turn into an event. */
export function githubEvent(kind: string, body: Obj): { type: string; data: Obj } | null {
  const repo = obj(body['repository'])['full_name'];
  if (kind === 'push') {
    const ref = String(body['ref'] ?? '');
    return { type: 'git.push', data: { branch: ref.replace(/^refs\/heads\//, ''), ref, sha: body['after'], repo, pusher: obj(body['pusher'])['name'] } };
  }
  if (kind === 'pull_request') {
    const pr = obj(body['pull_request']);
    const data = { number: body['number'] ?? pr['number'], title: pr['title'], branch: obj(pr['head'])['ref'], base: obj(pr['base'])['ref'], sha: pr['merge_commit_sha'], repo };
    return { type: body['action'] === 'closed' && pr['merged'] === true ? 'pr.merged' : `pr.${String(body['action'] ?? 'changed').replace(/[^a-z0-9_-]/g, '-')}`, data };
  }
  if (kind === 'issues') {
    const issue = obj(body['issue']);
    const data = { number: issue['number'], title: issue['title'], author: obj(issue['user'])['login'], repo };
    return { type: body['action'] === 'opened' ? 'issue.created' : `issue.${String(body['action'] ?? 'changed').replace(/[^a-z0-9_-]/g, '-')}`, data };
  }
  return null;
}

function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        resolve(null);
        req.destroy();
      } else parts.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', () => resolve(null));
  });
}

export interface WebhookDeps {
  port: number;
  secret: string | undefined;
  secretEnv: string;
  sink: EventSink;
  emit(ev: TriggerEvent): void;
}

export class Webhook {
  private server: Server | null = null;

  constructor(private readonly d: WebhookDeps) {}

  get port(): number {
    const a = this.server?.address();
    return typeof a === 'object' && a ? a.port : this.d.port;
  }

  start(): Promise<void> {
    const server = createServer((req, res) => {
      void this.handle(req).then(([code, text]) => {
        res.writeHead(code, { 'content-type': 'text/plain' }).end(`${text}\n`);
      });
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.d.port, '127.0.0.1', () => resolve());
    });
  }

  private refuse(code: number, reason: string): [number, string] {
    this.d.sink.append('trigger.refused', { source: 'webhook', reason });
    return [code, reason];
  }

  private async handle(req: IncomingMessage): Promise<[number, string]> {
    if (req.method !== 'POST') return [405, 'POST only'];
    const body = await readBody(req);
    if (body === null) return this.refuse(413, `a delivery over ${MAX_BODY} bytes`);
    if (!this.d.secret) return this.refuse(503, `not configured: set ${this.d.secretEnv} to the webhook's secret`);
    const sig = req.headers['x-hub-signature-256'];
    if (!signatureOk(this.d.secret, body, typeof sig === 'string' ? sig : undefined)) {
      return this.refuse(401, `bad signature on a ${String(req.headers['x-github-event'] ?? 'unnamed')} delivery (X-Hub-Signature-256 ${sig ? 'does not match' : 'missing'})`);
    }
    const kind = String(req.headers['x-github-event'] ?? '');
    if (kind === 'ping') return [200, 'pong'];
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      return this.refuse(400, `a ${kind} delivery whose body is not JSON`);
    }
    const ev = githubEvent(kind, obj(parsed));
    if (ev === null) return [202, `${kind} deliveries start nothing`];
    const delivery = req.headers['x-github-delivery'];
    const now = Date.now();
    this.d.emit({ id: typeof delivery === 'string' && delivery ? delivery : `webhook-${now}`, type: ev.type, ts: now, source: 'webhook', data: ev.data });
    return [202, ev.type];
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
