/**
 * The supervisor's side of the IPC contract. Each call uses a Request socket of its own from a small pool;
 * a socket that failed is closed, never reused ("Lazy Pirate"). `immediate` keeps a command from queueing
 * while tp-manager is away, so it cannot be delivered minutes later; a payment is never resent by the client.
 * A heartbeat notices a dead tp-manager within seconds and ends the wait of a payment in progress. Every reply
 * names the tp-manager process that sent it (`instance`): a new one means tp-manager restarted, however
 * briefly, and every command still waiting on the old process is ended at once (its reply will never come).
 */
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import * as zmq from 'zeromq';
import { ConnectorError, type Command, type Reply, type Logger } from '@ecr/common';
import { TpManagerRestarted, type CommandBody, type PaymentBody, type TpManagerEvents, type TpManagerPort } from './tp-port';

export { expectReply, type CommandBody } from './tp-port';

export interface TpClientOptions {
  endpoint: string;
  /** Wait for a reply to any command but a payment. */
  replyTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /** Consecutive unanswered heartbeats before tp-manager counts as down. */
  heartbeatMisses?: number;
  /** How long a payment waits for the first sight of tp-manager after the supervisor started. */
  firstSightMs?: number;
}

/** A command waiting for its reply, and the tp-manager process it was sent to. */
interface Waiting {
  instance: string | undefined;
  abort(instance: string): void;
}

/**
 * Emits 'down' (reason) and 'up' when tp-manager's liveness changes, 'restarted' when its process changed,
 * 'state' with each heartbeat's answer (terminal link, unattributed answers: GET /metrics).
 */
export class TpManagerClient extends EventEmitter<TpManagerEvents> implements TpManagerPort {
  private readonly idle: zmq.Request[] = [];
  private readonly open = new Set<zmq.Request>();
  private heartbeatTimer?: NodeJS.Timeout;
  private misses = 0;
  private isUp = false;
  private seen = false;
  private closed = false;
  private instance?: string;
  private readonly waiting = new Set<Waiting>();
  private readonly firstSightMs: number;
  private readonly replyTimeoutMs: number;
  private readonly heartbeatIntervalMs: number;
  private readonly heartbeatMisses: number;

  constructor(
    private readonly options: TpClientOptions,
    private readonly logger: Pick<Logger, 'info' | 'warn'>,
  ) {
    super();
    this.replyTimeoutMs = options.replyTimeoutMs ?? 5000;
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? 500;
    this.heartbeatMisses = options.heartbeatMisses ?? 4;
    this.firstSightMs = options.firstSightMs ?? 5000;
    this.setMaxListeners(50);
  }

  get up(): boolean {
    return this.isUp;
  }

  startHeartbeat(): void {
    const beat = async () => {
      if (this.closed) return;
      try {
        const reply = await this.call({ type: 'ping' }, Math.max(this.heartbeatIntervalMs, 1000));
        this.misses = 0;
        if (reply.ok && reply.type === 'ping') this.emit('state', reply);
        if (!this.isUp) {
          this.isUp = true;
          this.seen = true;
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
    let abort!: (err: Error) => void;
    const aborted = new Promise<never>((_, reject) => (abort = reject));
    const waiting: Waiting = { instance: this.instance, abort: (instance) => abort(new TpManagerRestarted(instance)) };
    this.waiting.add(waiting);
    try {
      const [frame] = await Promise.race([socket.receive(), aborted]);
      this.idle.push(socket);
      const reply = JSON.parse(frame!.toString('utf8')) as Reply;
      if (reply.id !== cmd.id) throw new Error(`reply for ${reply.id} instead of ${cmd.id}`);
      this.noticeInstance(reply.instance);
      return reply;
    } catch (err) {
      this.discard(socket);
      if (err instanceof TpManagerRestarted) throw err;
      throw new ConnectorError('outcome-unknown', `no answer from tp-manager on ${this.options.endpoint} within ${Math.round(timeoutMs / 100) / 10} s (${errText(err)})`);
    } finally {
      this.waiting.delete(waiting);
    }
  }

  /** A reply from another process than the last one: tp-manager restarted; what was sent to the old one is lost. */
  private noticeInstance(instance: string | undefined): void {
    if (!instance || instance === this.instance) return;
    const previous = this.instance;
    this.instance = instance;
    if (previous === undefined) return;
    this.logger.warn(`tp-manager restarted (process ${previous} is gone, ${instance} answers): commands sent to the old one are ended`);
    for (const w of [...this.waiting]) if (w.instance !== instance) w.abort(instance);
    this.emit('restarted', instance, previous);
  }

  /** Resolves true as soon as tp-manager answers a heartbeat, false after boundMs. */
  private waitUp(boundMs: number): Promise<boolean> {
    if (this.isUp) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (up: boolean) => {
        clearTimeout(timer);
        this.off('up', onUp);
        resolve(up);
      };
      const onUp = () => done(true);
      const timer = setTimeout(() => done(false), boundMs);
      this.on('up', onUp);
    });
  }

  /**
   * Sends a payment and waits for the terminal's result, or until tp-manager is noticed dead. The command is
   * sent once: after a failure the caller asks the journal (journal-get), it never resends.
   */
  async payment(body: PaymentBody, waitMs: number): Promise<Reply> {
    // Just started: the first heartbeat may not have been answered yet; a short wait beats a false 599.
    if (!this.isUp && !this.seen && !this.closed) await this.waitUp(this.firstSightMs);
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
