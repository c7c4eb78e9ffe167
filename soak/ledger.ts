/**
 * The soak's verdict, a pure function: three ledgers (the terminal's own answers, the order book, HiPay)
 * and the kiosk's answers, compared order by order. Orders are told apart on the terminal by their amount
 * (each soak order has an amount of its own), since a terminal that does not echo the reference cannot be
 * matched by it.
 */

export interface SoakOrder {
  orderId: string;
  /** Amount asked, minor units: unique per order. */
  amount: number;
  /** HTTP status of POST /order, undefined when no answer came at all. */
  kioskStatus?: number;
  /** `status` of a 200 answer: Success or Failure. */
  kioskOutcome?: string;
  /** The kiosk had its answer within 15 s of both processes being back (or of the payment's time-out). */
  answeredInTime: boolean;
}

export interface TerminalAnswer {
  kind: string;
  outcome: string;
  requestAmount?: number;
  amount?: number;
  delivered: boolean;
}

export interface OrderBookEntry {
  orderId: string;
  /** GET /order/{orderId}: HTTP status, then orderState and status of the stored answer. */
  httpStatus: number;
  orderState?: string;
  status?: string;
}

export interface HipayEntry {
  orderid: string;
  /** Later posts HiPay answered as duplicates. */
  duplicatePosts: number;
}

export interface SoakCounts {
  payments: number;
  /** Approvals the terminal gave for the soak's orders and the connector received. */
  approvalsDelivered: number;
  /** Approvals decided but never received (the line pulled before the answer): the order must stay not-Failure. */
  approvalsUndelivered: number;
  successAnswers: number;
  ordersAtHipay: number;
  /** Kiosk answers 599 (outcome unknown), for reading; not an error. */
  outcomeUnknownAnswers: number;
  // must stay 0
  approvalsLost: number;
  ordersPaidTwice: number;
  ordersDeliveredTwice: number;
  successWithoutApproval: number;
  failureDespiteApproval: number;
  hipayWithoutApproval: number;
  unanswered: number;
}

export const MUST_BE_ZERO: readonly (keyof SoakCounts)[] = [
  'approvalsLost',
  'ordersPaidTwice',
  'ordersDeliveredTwice',
  'successWithoutApproval',
  'failureDespiteApproval',
  'hipayWithoutApproval',
  'unanswered',
];

/** Which orders broke which rule, to print after the table. */
export type SoakFindings = Partial<Record<keyof SoakCounts, string[]>>;

export function compareLedgers(
  orders: readonly SoakOrder[],
  terminal: readonly TerminalAnswer[],
  book: readonly OrderBookEntry[],
  hipay: readonly HipayEntry[],
): { counts: SoakCounts; findings: SoakFindings } {
  const counts: SoakCounts = {
    payments: orders.length,
    approvalsDelivered: 0,
    approvalsUndelivered: 0,
    successAnswers: 0,
    ordersAtHipay: 0,
    outcomeUnknownAnswers: 0,
    approvalsLost: 0,
    ordersPaidTwice: 0,
    ordersDeliveredTwice: 0,
    successWithoutApproval: 0,
    failureDespiteApproval: 0,
    hipayWithoutApproval: 0,
    unanswered: 0,
  };
  const findings: SoakFindings = {};
  const flag = (key: keyof SoakCounts, orderId: string): void => {
    (counts[key] as number) += 1;
    const list = findings[key] ?? [];
    list.push(orderId);
    findings[key] = list;
  };

  for (const order of orders) {
    // Only the request's own answers settle it: repeats and foreign answers are the terminal's noise.
    const own = terminal.filter((a) => a.kind === 'answer' && a.requestAmount === order.amount && a.outcome === 'approve');
    const delivered = own.filter((a) => a.delivered);
    const fullApproval = delivered.some((a) => a.amount === order.amount);
    const stored = book.find((b) => b.orderId === order.orderId);
    const atHipay = hipay.filter((h) => h.orderid === order.orderId);
    const paid = stored?.status === 'Success' || stored?.orderState === 'paid-other-amount';

    counts.approvalsDelivered += delivered.length;
    counts.approvalsUndelivered += own.length - delivered.length;
    if (order.kioskOutcome === 'Success') counts.successAnswers += 1;
    if (order.kioskStatus === 599) counts.outcomeUnknownAnswers += 1;
    if (atHipay.length > 0) counts.ordersAtHipay += 1;

    if (delivered.length > 0 && (!paid || atHipay.length === 0)) flag('approvalsLost', order.orderId);
    if (own.length > 1) flag('ordersPaidTwice', order.orderId);
    if (atHipay.length > 1 || atHipay.some((h) => h.duplicatePosts > 0)) flag('ordersDeliveredTwice', order.orderId);
    if ((order.kioskOutcome === 'Success' || stored?.status === 'Success') && !fullApproval) flag('successWithoutApproval', order.orderId);
    // Failure is allowed with an approval only when it names another amount paid (paid-other-amount).
    const otherAmount = stored?.orderState === 'paid-other-amount' && own.every((a) => a.amount !== order.amount);
    if (order.kioskOutcome === 'Failure' && own.length > 0 && !otherAmount) flag('failureDespiteApproval', order.orderId);
    if (atHipay.length > 0 && delivered.length === 0) flag('hipayWithoutApproval', order.orderId);
    if (!order.answeredInTime) flag('unanswered', order.orderId);
  }
  return { counts, findings };
}

/**
 * Orders the connector still owes an answer for: in progress, or of unknown outcome although the terminal
 * delivered its own answer (a late answer reaches the order book at the next journal sync, every 2 s). The
 * soak compares the ledgers only once this is empty (or its bound ran out): an answer that never reached the
 * connector (line pulled first) leaves the order unknown for good, and is not waited for.
 */
export function awaitingSettlement(orders: readonly SoakOrder[], terminal: readonly TerminalAnswer[], book: readonly OrderBookEntry[]): string[] {
  return orders
    .filter((order) => {
      const stored = book.find((b) => b.orderId === order.orderId);
      if (stored?.orderState === 'in-progress') return true;
      const answered = terminal.some((a) => a.kind === 'answer' && a.requestAmount === order.amount && a.delivered);
      return answered && stored?.orderState === 'outcome-unknown';
    })
    .map((order) => order.orderId);
}

const LABELS: Record<keyof SoakCounts, string> = {
  payments: 'payments asked by the kiosk',
  approvalsDelivered: 'approvals the terminal gave (received by the connector)',
  approvalsUndelivered: 'approvals never received (line pulled first)',
  successAnswers: 'Success answers to the kiosk',
  ordersAtHipay: 'orders at HiPay',
  outcomeUnknownAnswers: '599 outcome-unknown answers to the kiosk',
  approvalsLost: 'approvals lost (not paid in the order book or not at HiPay)',
  ordersPaidTwice: 'orders paid twice at the terminal',
  ordersDeliveredTwice: 'orders delivered twice to HiPay',
  successWithoutApproval: 'Success without the full approval (wrong order or amount)',
  failureDespiteApproval: 'Failure told although the terminal approved',
  hipayWithoutApproval: 'orders at HiPay the terminal never approved',
  unanswered: 'kiosk requests without an answer 15 s after both processes were back',
};

/** The table the soak prints (and the README shows): one row per count, must-be-zero rows marked. */
export function formatTable(counts: SoakCounts): string {
  const rows = (Object.keys(LABELS) as (keyof SoakCounts)[]).map((key) => {
    const mustBeZero = MUST_BE_ZERO.includes(key);
    const mark = mustBeZero ? (counts[key] === 0 ? 'ok (must be 0)' : 'FAIL (must be 0)') : '';
    return `| ${LABELS[key]} | ${counts[key]} | ${mark} |`;
  });
  return ['| ledger comparison | count | |', '| --- | ---: | --- |', ...rows].join('\n');
}

export function failedCounts(counts: SoakCounts): (keyof SoakCounts)[] {
  return MUST_BE_ZERO.filter((key) => counts[key] !== 0);
}
