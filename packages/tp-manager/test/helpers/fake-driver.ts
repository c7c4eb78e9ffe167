/**
 * The payment runner's tests' stand-ins for a terminal driver and its line (unit tests of one module): the
 * driver records what was sent and lets a test play the terminal's answer; the line can be pulled and put back.
 */
import { EventEmitter } from 'node:events';
import type { PaymentRequest, PaymentResult } from '@ecr/common';

export class FakeDriver extends EventEmitter {
  sent: PaymentRequest[] = [];
  aborts = 0;
  /** What the next sendPayment does: resolve (terminal took it), reject (no ACK), or hang. */
  next: 'take' | 'refuse' | 'hang' = 'take';
  sendPayment(request: PaymentRequest): Promise<void> {
    this.sent.push(request);
    if (this.next === 'refuse') return Promise.reject(new Error('the terminal did not acknowledge the request (no ACK)'));
    if (this.next === 'hang') return new Promise(() => undefined);
    return Promise.resolve();
  }
  abort(): Promise<void> {
    this.aborts += 1;
    return Promise.resolve();
  }
  answer(ref: string | undefined, result: PaymentResult, has = { amount: true, currency: true }): void {
    this.emit('answer', { ref, result, hasAmount: has.amount, hasCurrency: has.currency });
  }
}

export class FakeLine extends EventEmitter {
  state = 'connected';
  reason = 'open';
  set(state: 'connected' | 'disconnected'): void {
    this.state = state;
    this.emit('state', state, state === 'connected' ? 'open' : 'cable pulled');
  }
}
