import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface Received {
  id: string;
  headers: Record<string, string>;
  body: string;
  event: { id: string; type: string; requestId: string | null; data: Record<string, any>; [key: string]: unknown };
}

/** What the receiver answers a delivery: a status, or 'hang' (never answer). */
export type Answer = number | 'hang';

/**
 * A webhook endpoint on loopback, as an app would run one: it verifies every signature with
 * `standardwebhooks` (a bad one is a test failure, recorded in `bad`), keeps what arrived, in order,
 * and answers as `answer` says (200 by default).
 */
export class Receiver {
  readonly received: Received[] = [];
  readonly bad: string[] = [];
  /** Every request, including those answered with an error (the attempts as the receiver saw them). */
  attempts = 0;
  private server: Server | undefined;
  private waiters: (() => void)[] = [];

  constructor(
    /** The secret to verify with; it may depend on the event (each environment signs with its own). */
    private secret: (event: Received['event']) => string,
    public answer: (attempt: number, received: Received) => Answer = () => 200,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/webhooks`;
  }

  port = 0;

  async listen(port = this.port): Promise<this> {
    const server = createServer((req, res) => void this.handle(req).then((answer) => {
      if (answer === 'hang') return;
      res.writeHead(answer).end(answer < 300 ? 'ok' : 'nope');
    }));
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', () => resolve()));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The event ids that arrived with a 2xx answer. */
  get delivered(): Received[] {
    return this.received.filter((r) => r.headers['x-answered'] === '2xx');
  }

  async until(predicate: (r: this) => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this)) {
      if (Date.now() > deadline) throw new Error(`the receiver waited ${timeoutMs} ms in vain; it has ${JSON.stringify(this.received.map((r) => [r.id, r.event.type, r.headers['x-answered']]))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.waiters.push(() => (clearTimeout(timer), resolve()));
      });
    }
  }

  private async handle(req: IncomingMessage): Promise<Answer> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
    this.attempts++;
    const event = JSON.parse(body) as Received['event'];
    try {
      new Webhook(this.secret(event)).verify(body, headers);
    } catch (error) {
      this.bad.push(`${headers['webhook-id']}: ${(error as Error).message}`);
    }
    const received: Received = { id: headers['webhook-id']!, headers, body, event };
    const answer = this.answer(this.attempts, received);
    received.headers['x-answered'] = answer === 'hang' ? 'hang' : answer < 300 ? '2xx' : String(answer);
    this.received.push(received);
    this.waiters.splice(0).forEach((w) => w());
    return answer;
  }
}
