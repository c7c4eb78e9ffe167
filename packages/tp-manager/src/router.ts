/**
 * The ZeroMQ side of tp-manager: a Router socket, so that /check and /cancel are answered while a payment
 * waits for the customer (a Reply socket answers strictly one request at a time). Request clients talk to
 * it unchanged: their frames arrive as [identity, empty delimiter, body].
 * A command id seen before gets the first answer (payments are also deduplicated by the journal).
 * Every reply carries `instance`, this process's id (new at each start), so the supervisor notices a
 * restart at its next heartbeat however short it was.
 */
import { randomUUID } from 'node:crypto';
import * as zmq from 'zeromq';
import type { Command, Reply, ReplyBody, Logger } from '@ecr/common';

export class CommandRouter {
  private readonly socket = new zmq.Router({ linger: 0, sendTimeout: 2000 });
  private readonly answered = new Map<string, Promise<ReplyBody>>();
  private sendQueue: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly handle: (cmd: Command) => Promise<ReplyBody>,
    private readonly logger: Pick<Logger, 'warn' | 'debug'>,
    private readonly rememberLast = 1000,
    /** This process's id, made once per start. */
    readonly instance: string = randomUUID(),
  ) {}

  async bind(endpoint: string): Promise<void> {
    try {
      await this.socket.bind(endpoint);
    } catch (err) {
      throw new Error(`cannot listen on TP_MANAGER_ENDPOINT=${endpoint}: ${(err as Error).message} (is another tp-manager running?)`);
    }
    void this.loop();
  }

  close(): void {
    this.closed = true;
    this.socket.close();
  }

  private async loop(): Promise<void> {
    while (!this.closed) {
      let frames: Buffer[];
      try {
        frames = await this.socket.receive();
      } catch (err) {
        if (this.closed) return;
        this.logger.warn(`ZeroMQ receive failed: ${(err as Error).message}`);
        continue;
      }
      const [identity, ...rest] = frames;
      const body = rest[rest.length - 1];
      if (!identity || !body) continue;
      void this.answer(identity, body);
    }
  }

  private async answer(identity: Buffer, body: Buffer): Promise<void> {
    const cmd = parseCommand(body);
    let reply: ReplyBody;
    if ('error' in cmd) {
      reply = { id: cmd.id ?? '', ok: false, code: 'bad-request', message: cmd.error };
    } else {
      let pending = this.answered.get(cmd.id);
      if (!pending) {
        // Never an unhandled rejection: a handler that throws becomes an 'internal' reply.
        pending = Promise.resolve()
          .then(() => this.handle(cmd))
          .catch((err: unknown): ReplyBody => ({ id: cmd.id, ok: false, code: 'internal', message: String((err as Error)?.message ?? err).split('\n')[0]! }));
        this.remember(cmd.id, pending);
      } else {
        this.logger.debug(`command ${cmd.id} (${cmd.type}) repeated: answering with the first result`);
      }
      reply = await pending;
    }
    this.send(identity, { ...reply, instance: this.instance });
  }

  private remember(id: string, reply: Promise<ReplyBody>): void {
    this.answered.set(id, reply);
    if (this.answered.size > this.rememberLast) {
      const oldest = this.answered.keys().next().value;
      if (oldest !== undefined) this.answered.delete(oldest);
    }
  }

  /** One send pending per socket (EBUSY otherwise): replies go out in turn. */
  private send(identity: Buffer, reply: Reply): void {
    this.sendQueue = this.sendQueue
      .then(() => this.socket.send([identity, '', JSON.stringify(reply)]))
      .catch((err: Error) => {
        if (!this.closed) this.logger.warn(`could not send the reply to command ${reply.id}: ${err.message}`);
      });
  }
}

function parseCommand(body: Buffer): Command | { id?: string; error: string } {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return { error: 'command is not JSON' };
  }
  if (typeof value !== 'object' || value === null) return { error: 'command is not an object' };
  const { id, type } = value as { id?: unknown; type?: unknown };
  if (typeof id !== 'string' || id === '') return { error: 'command has no id' };
  if (typeof type !== 'string') return { id, error: 'command has no type' };
  return value as Command;
}
