/**
 * The transaction object HiPay answers for an order (JSON flavour, camelCase keys), with the fields a
 * passive "tpe" order fills in. Amounts are decimal strings in major units, as HiPay sends them.
 */
import type { AcceptedOrder } from './validate-order';

export interface HipayTransaction {
  state: 'completed' | 'declined';
  reason: { code: string; message: string } | '';
  forwardUrl: string;
  test: true;
  mid: string;
  attemptId: number;
  authorizationCode: string;
  transactionReference: string;
  dateCreated: string;
  dateUpdated: string;
  dateAuthorized: string;
  status: number;
  message: string;
  authorizedAmount: string;
  capturedAmount: string;
  refundedAmount: string;
  decimals: number;
  currency: string;
  ipAddress: string;
  ipCountry: string;
  eci: string;
  paymentProduct: string;
  paymentMethod: null;
  threeDSecure: null;
  fraudScreening: { scoring: number; result: string; review: string };
  order: {
    id: string;
    dateCreated: string;
    attempts: number;
    amount: string;
    shipping: string;
    tax: string;
    decimals: number;
    currency: string;
    customerId: string;
    language: string;
    email: string;
  };
  customData: Record<string, unknown> | null;
}

/** Statuses HiPay documents: 116 authorized, 118 captured, 113 refused. */
export const TransactionStatus = { authorized: 116, captured: 118, refused: 113 } as const;

function zero(decimals: number): string {
  return decimals === 0 ? '0' : `0.${'0'.repeat(decimals)}`;
}

export function buildTransaction(
  order: AcceptedOrder,
  transactionReference: string,
  declined: boolean,
  now: Date,
): HipayTransaction {
  const at = now.toISOString().replace(/\.\d{3}Z$/, '+0000');
  const none = zero(order.decimals);
  const captured = !declined && order.operation === 'Sale';
  const status = declined ? TransactionStatus.refused : captured ? TransactionStatus.captured : TransactionStatus.authorized;
  return {
    state: declined ? 'declined' : 'completed',
    reason: declined ? { code: '4010202', message: 'Refused by the sandbox (declined fault)' } : '',
    forwardUrl: '',
    test: true,
    mid: order.mid ?? '',
    attemptId: 1,
    authorizationCode: order.authorizationCode ?? '',
    transactionReference,
    dateCreated: at,
    dateUpdated: at,
    dateAuthorized: declined ? '' : at,
    status,
    message: declined ? 'Refused' : captured ? 'Captured' : 'Authorized',
    authorizedAmount: declined ? none : order.amount,
    capturedAmount: captured ? order.amount : none,
    refundedAmount: none,
    decimals: order.decimals,
    currency: order.currency,
    ipAddress: '0.0.0.0',
    ipCountry: '',
    eci: order.eci,
    paymentProduct: order.paymentProduct,
    paymentMethod: null,
    threeDSecure: null,
    fraudScreening: { scoring: 0, result: 'accepted', review: '' },
    order: {
      id: order.orderid,
      dateCreated: at,
      attempts: 1,
      amount: order.amount,
      shipping: none,
      tax: none,
      decimals: order.decimals,
      currency: order.currency,
      customerId: order.customerId ?? '',
      language: 'en_GB',
      email: order.email ?? '',
    },
    customData: order.customData ?? null,
  };
}
