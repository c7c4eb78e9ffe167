/** What one call to HiPay came to, in the three kinds the outbox acts on. */

/** The part of HiPay's transaction answer the connector keeps. */
export interface HipayTransactionSummary {
  transactionReference: string;
  /** completed, forwarding, pending, declined, error. */
  state: string;
  status?: number;
  message?: string;
}

/** A permanent refusal: retrying cannot help until someone fixes the configuration or the order. */
export interface HipayRefusal {
  kind: 'refused';
  /** One line a person can act on: HiPay's code, message and description, and a hint. */
  reason: string;
  code?: number;
  httpStatus?: number;
}

export interface HipayRetryable {
  kind: 'retryable';
  reason: string;
  /** True when HiPay may have received the order: look it up before sending it again. */
  outcomeUnknown: boolean;
}

/**
 * HiPay answered that it already has the orderid (3010004, 3010006, 3010003) but its lookup did not show the
 * transaction yet: the order is never posted again, only looked up until HiPay shows it.
 */
export interface HipayHeld {
  kind: 'held';
  reason: string;
}

export type CreateOrderResult =
  | { kind: 'delivered'; transaction: HipayTransactionSummary; confirmedByLookup: boolean }
  | HipayHeld
  | HipayRetryable
  | HipayRefusal;

export type FindTransactionResult =
  | { kind: 'found'; transaction: HipayTransactionSummary }
  | { kind: 'not-found' }
  | Omit<HipayRetryable, 'outcomeUnknown'>
  | HipayRefusal;

const FAILED_STATES = ['declined', 'error'];

/** A transaction HiPay holds for the order: delivered, unless HiPay declined it. */
export function transactionOutcome(
  orderId: string,
  transaction: HipayTransactionSummary,
  confirmedByLookup: boolean,
): Extract<CreateOrderResult, { kind: 'delivered' | 'refused' }> {
  if (FAILED_STATES.includes(transaction.state)) {
    const status = [transaction.status, transaction.message].filter((v) => v !== undefined).join(' ');
    return {
      kind: 'refused',
      reason: `HiPay ${transaction.state === 'error' ? 'failed' : 'declined'} order ${orderId} (transaction ${transaction.transactionReference}, state ${transaction.state}${status ? `, status ${status}` : ''})`,
    };
  }
  return { kind: 'delivered', transaction, confirmedByLookup };
}
