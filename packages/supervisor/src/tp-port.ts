/**
 * What the connector core needs of tp-manager, apart from how it is reached: the ZeroMQ client
 * (tp-client.ts) in the program, a fake in the core's unit tests.
 */
import { ConnectorError, type Command, type Reply, type TpManagerState } from '@ecr/common';

/** A command without its id; the client adds a fresh one unless given. */
export type CommandBody = Command extends infer C ? (C extends { id: string } ? Omit<C, 'id'> & { id?: string } : never) : never;

export type PaymentBody = Extract<CommandBody, { type: 'payment' }> & { id: string };

/** What tp-manager's client emits (the listener's arguments per event, as EventEmitter<TpManagerEvents> types them). */
export interface TpManagerEvents {
  /** tp-manager answers again after it was noticed down (or for the first time). */
  up: [];
  /** tp-manager stopped answering for a while; the reason is one line. */
  down: [reason: string];
  /** A reply came from another tp-manager process than before (it restarted, however briefly). */
  restarted: [instance: string, previous: string];
  /** What tp-manager told of itself in a heartbeat's answer. */
  state: [state: TpManagerState];
}

export interface TpManagerPort {
  /** tp-manager answered the latest heartbeat. */
  readonly up: boolean;
  /** Sends one command and waits for its reply; rejects with ConnectorError on time-out or failure. */
  call(body: CommandBody, timeoutMs?: number): Promise<Reply>;
  /**
   * Sends a payment once and waits for its reply. Rejects with 'not-connected' when it was surely not sent,
   * with TpManagerRestarted when tp-manager restarted meanwhile, 'outcome-unknown' otherwise.
   */
  payment(body: PaymentBody, waitMs: number): Promise<Reply>;
  on<E extends keyof TpManagerEvents>(event: E, listener: (...args: TpManagerEvents[E]) => void): unknown;
  off<E extends keyof TpManagerEvents>(event: E, listener: (...args: TpManagerEvents[E]) => void): unknown;
}

/**
 * The command was sent to a tp-manager process that is gone: its reply will never come. The caller asks the
 * new process's journal what became of it. Still a ConnectorError ('outcome-unknown') for the HTTP layer.
 */
export class TpManagerRestarted extends ConnectorError {
  constructor(readonly instance: string) {
    super('outcome-unknown', 'tp-manager restarted while it had the command, so its reply will never come');
  }
}

/** The reply of the expected type, or the ConnectorError it carries. */
export function expectReply<T extends string>(reply: Reply, type: T): Extract<Reply, { ok: true; type: T }> {
  if (!reply.ok) throw new ConnectorError(reply.code, reply.message);
  if (reply.type !== type) throw new ConnectorError('internal', `tp-manager answered ${type} with ${reply.type}`);
  return reply as Extract<Reply, { ok: true; type: T }>;
}
