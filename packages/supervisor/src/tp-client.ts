/**
 * The supervisor's side of the IPC contract. Each call uses a Request socket of its own from a small pool;
 * a socket that failed is closed, never reused ("Lazy Pirate"). `immediate` keeps a command from queueing
 * while tp-manager is away, so it cannot be delivered minutes later; a payment is never resent by the client.
 * A heartbeat notices a dead tp-manager within seconds and ends the wait of a payment in progress.
 */
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import * as zmq from 'zeromq';
import { ConnectorError, type Command, type Reply } from '@ecr/common';

/** A command without its id; the client adds a fresh one unless given. */
export type CommandBody = Command extends infer C ? (C extends { id: string } ? Omit<C, 'id'> & { id?: string } : never) : never;

export interface TpClientOptions {
  endpoint: string;
  /** Wait for a reply to any command but a payment. */
  replyTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /** Consecutive unanswered heartbeats before tp-manager counts as down. */
  heartbeatMisses?: number;
}

export interface ClientLogger {
  info(message: string): void;
  warn(message: string): void;
}

/** Emits 'down' (reason) and 'up' when tp-manager's liveness changes. */
export class TpManagerClient extends EventEmitter {
  private readonly idle: zmq.Request[] = [];
  private readonly open = new Set<zmq.Request>();
  private heartbeatTimer?: NodeJS.Timeout;
  private misses = 0;
  private isUp = false;
  private closed = false;
  private readonly replyTimeoutMs: number;
  private readonly heartbeatIntervalMs: number;
  private readonly heartbeatMisses: number;

  constructor(
    private readonly options: TpClientOptions,
    private readonly logger: ClientLogger,
  ) {
    super();
    this.replyTimeoutMs = options.replyTimeoutMs ?? 5000;
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? 500;
    this.heartbeatMisses = options.heartbeatMisses ?? 4;
    this.setMaxListeners(50);
  }

  get up(): boolean {
    return this.isUp;
  }

  startHeartbeat(): void {
    const beat = async () => {
      if (this.closed) return;
      try {
        await this.call({ type: 'ping' }, Math.max(this.heartbeatIntervalMs, 1000));
        this.misses = 0;
        if (!this.isUp) {
          this.isUp = true;
          this.logger.info(`tp-manager answering on ${this.options.endpoint}`);
          this.emit('up');
        }
      } catch (err) {
        this.misses += 1;
        if (this.isUp && this.misses >= this.heartbeatMisses) {
          this.isUp = false;
          const reason = `tp-manager not answering on ${this.options.endpoint} (${(err as Error).message})`;
          this.logger.warn(reason);
          this.emit('down', reason);
        }
      }
      if (!this.closed) this.heartbeatTimer = setTimeout(() => void beat(), this.heartbeatIntervalMs);
    };
    void beat();
  }

  /** Sends one command and waits for its reply; rejects with ConnectorError on time-out or failure. */
  async call(body: CommandBody, timeoutMs = this.replyTimeoutMs): Promise<Reply> {
    const cmd = { ...body, id: body.id ?? randomUUID() } as Command;
    const socket = this.take(timeoutMs);
    try {
      await socket.send(JSON.stringify(cmd));
    } catch (err) {
      // With `immediate`, a send that fails was never queued: the command did not leave this process.
      this.discard(socket);
      throw new ConnectorError('not-connected', `tp-manager is not running or not answering on ${this.options.endpoint} (${errText(err)}); the command was not sent`);
    }
    try {
      const [frame] = await socket.receive();
      this.idle.push(socket);
      const reply = JSON.parse(frame!.toString('utf8')) as Reply;
      if (reply.id !== cmd.id) throw new Error(`reply for ${reply.id} instead of ${cmd.id}`);
      return reply;
    } catch (err) {
      this.discard(socket);
      throw new ConnectorError('outcome-unknown', `no answer from tp-manager on ${this.options.endpoint} within ${Math.round(timeoutMs / 100) / 10} s (${errText(err)})`);
    }
  }

  /**
   * Sends a payment and waits for the terminal's result, or until tp-manager is noticed dead. The command is
   * sent once: after a failure the caller asks the journal (journal-get), it never resends.
   */
  async payment(body: Extract<CommandBody, { type: 'payment' }> & { id: string }, waitMs: number): Promise<Reply> {
    if (!this.isUp) {
      throw new ConnectorError('not-connected', `tp-manager is not running or not answering on ${this.options.endpoint}; the payment was not sent, nothing was charged`);
    }
    let onDown!: (reason: string) => void;
    const down = new Promise<never>((_, reject) => {
      onDown = (reason) => reject(new ConnectorError('outcome-unknown', `${reason} during the payment: its outcome is not known yet`));
      this.once('down', onDown);
    });
    try {
      return await Promise.race([this.call(body, waitMs), down]);
    } finally {
      this.off('down', onDown);
    }
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.heartbeatTimer);
    for (const socket of this.open) socket.close();
    this.open.clear();
    this.idle.length = 0;
  }

  private take(timeoutMs: number): zmq.Request {
    const socket =
      this.idle.pop() ??
      (() => {
        const s = new zmq.Request({ linger: 0, immediate: true, sendTimeout: 1000 });
        s.connect(this.options.endpoint);
        this.open.add(s);
        return s;
      })();
    socket.receiveTimeout = timeoutMs;
    return socket;
  }

  private discard(socket: zmq.Request): void {
    this.open.delete(socket);
    socket.close();
  }
}

function errText(err: unknown): string {
  const e = err as { code?: string; message?: string };
  return e.code === 'EAGAIN' ? 'timed out' : (e.message ?? String(err));
}

/** The reply of the expected type, or the ConnectorError it carries. */
export function expectReply<T extends Reply['type' & keyof Reply] | string>(reply: Reply, type: T): Extract<Reply, { ok: true; type: T }> {
  if (!reply.ok) throw new ConnectorError(reply.code, reply.message);
  if (reply.type !== type) throw new ConnectorError('internal', `tp-manager answered ${type} with ${reply.type}`);
  return reply as Extract<Reply, { ok: true; type: T }>;
}
