/**
 * A tp-manager in memory for the connector core's unit tests: a journal keyed by command id (with seqs, as
 * tp-manager's journal), one payment at a time whose reply the test decides, and the events of the real client.
 * It imitates the IPC contract (packages/common/src/ipc.ts), not a terminal.
 */
import { EventEmitter } from 'node:events';
import { ConnectorError, type JournalEntry, type PaymentResult, type Reply, type UnattributedAnswer } from '@ecr/common';
import { TpManagerRestarted, type CommandBody, type PaymentBody, type TpManagerPort } from '../../src/tp-port';

interface OpenPayment {
  body: PaymentBody;
  resolve(reply: Reply): void;
  reject(err: Error): void;
}

export class FakeTpManager extends EventEmitter implements TpManagerPort {
  up = true;
  instance = 'instance-1';
  journalId = 'journal-1';
  /** Every payment command it received, in order: what "the terminal was asked" means here. */
  readonly payments: PaymentBody[] = [];
  /** Every other command, in order. */
  readonly calls: CommandBody[] = [];
  readonly journal = new Map<string, JournalEntry>();
  unattributed: UnattributedAnswer[] = [];
  /** Answers for command types the test sets (cancel, stop, ping...); else a plain ok. */
  readonly replies: Partial<Record<CommandBody['type'], (body: CommandBody) => Reply>> = {};
  /** The reply to the next payment before it reaches the journal (e.g. 'unavailable'), if set. */
  refuseNextPayment?: { code: 'unavailable' | 'busy'; message: string };
  private seq = 0;
  private open?: OpenPayment;

  get paymentOpen(): boolean {
    return this.open !== undefined;
  }

  async call(body: CommandBody): Promise<Reply> {
    this.calls.push(body);
    if (!this.up) throw new ConnectorError('not-connected', 'tp-manager is not running (fake); the command was not sent');
    const id = body.id ?? `cmd-${this.calls.length}`;
    const custom = this.replies[body.type];
    if (custom) return { ...custom(body), id, instance: this.instance };
    const base = { id, ok: true as const, instance: this.instance };
    switch (body.type) {
      case 'journal-get':
        return { ...base, type: 'journal-get', entry: this.journal.get(body.commandId), journalId: this.journalId };
      case 'journal-since': {
        const entries = [...this.journal.values()]
          .filter((e) => e.state === 'done' && e.seq > body.after)
          .sort((a, b) => a.seq - b.seq)
          .slice(0, body.limit);
        return { ...base, type: 'journal-since', entries, journalId: this.journalId };
      }
      case 'ping':
        return { ...base, type: 'ping', link: 'connected', busy: this.open !== undefined, journalId: this.journalId, unattributed: this.unattributed.length };
      case 'unattributed':
        return { ...base, type: 'unattributed', answers: this.unattributed.slice(0, body.limit) };
      case 'stop':
        return { ...base, type: 'stop' };
      case 'cancel':
        return { id, ok: false, code: 'unsupported', message: 'Concert V3 has no abort message: the payment goes on until the terminal answers' };
      default:
        throw new Error(`the fake does not answer ${body.type}`);
    }
  }

  payment(body: PaymentBody): Promise<Reply> {
    if (!this.up) return Promise.reject(new ConnectorError('not-connected', 'tp-manager is not running (fake); the payment was not sent, nothing was charged'));
    if (this.refuseNextPayment) {
      const { code, message } = this.refuseNextPayment;
      this.refuseNextPayment = undefined;
      return Promise.resolve({ id: body.id, ok: false, code, message, instance: this.instance });
    }
    this.payments.push(body);
    this.journal.set(body.id, {
      id: body.id,
      orderId: body.orderId,
      amount: body.amount,
      currencyNumeric: body.currencyNumeric,
      state: 'pending',
      receivedAt: new Date().toISOString(),
      seq: ++this.seq,
    });
    return new Promise((resolve, reject) => (this.open = { body, resolve, reject }));
  }

  /** The terminal answers the open payment: journal first, then the reply (as tp-manager does). */
  answer(result: Partial<PaymentResult> = {}): JournalEntry {
    const entry = this.finishInJournal(result);
    const open = this.open!;
    this.open = undefined;
    open.resolve({ id: open.body.id, ok: true, type: 'payment', entry, instance: this.instance });
    return entry;
  }

  /** The terminal's answer reaches the journal only (the reply is lost or not sent yet). */
  finishInJournal(result: Partial<PaymentResult> = {}, commandId = this.open?.body.id ?? [...this.journal.keys()].pop()!): JournalEntry {
    const before = this.journal.get(commandId)!;
    const entry: JournalEntry = {
      ...before,
      state: 'done',
      result: { outcome: 'approved', amount: before.amount, currencyNumeric: before.currencyNumeric, authorisationNumber: '123456', ...result },
      finishedAt: new Date().toISOString(),
      seq: ++this.seq,
    };
    this.journal.set(commandId, entry);
    return entry;
  }

  /** The wait for the reply ends with an error (e.g. the client's time-out), the payment stays open in the journal. */
  failWait(err: Error): void {
    const open = this.open!;
    this.open = undefined;
    open.reject(err);
  }

  /**
   * tp-manager killed and back: a new instance, the open payment's wait ended by the client, entries left pending
   * closed as 'interrupted' unless the test says the terminal's answer was journaled first.
   */
  restart(): void {
    const previous = this.instance;
    this.instance = `instance-${Number(previous.split('-')[1]) + 1}`;
    for (const entry of this.journal.values()) {
      if (entry.state === 'pending') {
        this.finishInJournal(
          { outcome: 'error', connectorCode: 'interrupted', reason: 'tp-manager stopped during this payment and its answer was not received' },
          entry.id,
        );
      }
    }
    const open = this.open;
    this.open = undefined;
    open?.reject(new TpManagerRestarted(this.instance));
    this.emit('restarted', this.instance, previous);
  }
}
