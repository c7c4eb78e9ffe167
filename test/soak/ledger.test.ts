/**
 * The soak's verdict (soak/ledger.ts) on hand-made ledgers: each must-be-zero count catches the money rule it
 * stands for, and a clean run counts nothing.
 */
import { awaitingSettlement, compareLedgers, failedCounts, formatTable, type HipayEntry, type OrderBookEntry, type SoakOrder, type TerminalAnswer } from '../../soak/ledger';

const order = (i: number, kiosk: Partial<SoakOrder> = {}): SoakOrder => ({ orderId: `O${i}`, amount: 1000 + i, kioskStatus: 200, kioskOutcome: 'Success', answeredInTime: true, ...kiosk });
const approval = (i: number, more: Partial<TerminalAnswer> = {}): TerminalAnswer => ({ kind: 'answer', outcome: 'approve', requestAmount: 1000 + i, amount: 1000 + i, delivered: true, ...more });
const paid = (i: number, more: Partial<OrderBookEntry> = {}): OrderBookEntry => ({ orderId: `O${i}`, httpStatus: 200, orderState: 'done', status: 'Success', ...more });
const atHipay = (i: number, duplicatePosts = 0): HipayEntry => ({ orderid: `O${i}`, duplicatePosts });

test('a clean run: approvals, Success answers and HiPay orders agree, every must-be-zero count is zero', () => {
  const declined = order(2, { kioskOutcome: 'Failure' });
  const { counts } = compareLedgers(
    [order(1), declined],
    [approval(1), { kind: 'answer', outcome: 'decline', requestAmount: 1002, amount: 1002, delivered: true }, { kind: 'extra', outcome: 'approve', requestAmount: 1002, amount: 1002, delivered: true }],
    [paid(1), paid(2, { status: 'Failure' })],
    [atHipay(1)],
  );
  expect(counts).toMatchObject({ payments: 2, approvalsDelivered: 1, successAnswers: 1, ordersAtHipay: 1 });
  expect(failedCounts(counts)).toEqual([]);
  expect(formatTable(counts)).toContain('| orders paid twice at the terminal | 0 | ok (must be 0) |');
});

test('money rule 5: an approval not paid in the order book or missing at HiPay is lost; a duplicate post is a second delivery', () => {
  const { counts, findings } = compareLedgers(
    [order(1, { kioskStatus: 599, kioskOutcome: undefined }), order(2), order(3)],
    [approval(1), approval(2), approval(3)],
    [paid(1, { orderState: 'outcome-unknown', status: undefined }), paid(2), paid(3)],
    [atHipay(1), atHipay(3, 1)],
  );
  expect(findings.approvalsLost).toEqual(['O1', 'O2']);
  expect(findings.ordersDeliveredTwice).toEqual(['O3']);
  expect(failedCounts(counts)).toEqual(['approvalsLost', 'ordersDeliveredTwice']);
});

test('money rule 2: two approvals for one order is a payment made twice', () => {
  const { findings } = compareLedgers([order(1)], [approval(1), approval(1, { delivered: false })], [paid(1)], [atHipay(1)]);
  expect(findings.ordersPaidTwice).toEqual(['O1']);
});

test('money rules 3 and 4: Success for a declined order (a foreign approval credited) or for a partial approval', () => {
  const { findings } = compareLedgers(
    [order(1), order(2)],
    [approval(1, { outcome: 'decline' }), { kind: 'extra', outcome: 'approve', requestAmount: 1001, amount: 1001, delivered: true }, approval(2, { amount: 501 })],
    [paid(1), paid(2)],
    [atHipay(1), atHipay(2)],
  );
  expect(findings.successWithoutApproval).toEqual(['O1', 'O2']);
  expect(findings.hipayWithoutApproval).toEqual(['O1']);
});

test('money rule 1: Failure despite an approval, even one the line lost; a partial approval recorded as paid-other-amount is a fair Failure', () => {
  const { counts, findings } = compareLedgers(
    [order(1, { kioskOutcome: 'Failure' }), order(2, { kioskOutcome: 'Failure' })],
    [approval(1, { delivered: false }), approval(2, { amount: 501 })],
    [paid(1, { status: 'Failure' }), paid(2, { orderState: 'paid-other-amount', status: 'Failure' })],
    [atHipay(2)],
  );
  expect(findings.failureDespiteApproval).toEqual(['O1']);
  expect(counts.approvalsUndelivered).toBe(1);
  expect(findings.approvalsLost).toBeUndefined();
});

test('a kiosk request without an answer in time is counted', () => {
  const { findings } = compareLedgers([order(1, { kioskStatus: undefined, kioskOutcome: undefined, answeredInTime: false })], [], [paid(1, { status: undefined, orderState: 'outcome-unknown' })], []);
  expect(findings.unanswered).toEqual(['O1']);
});

test('money rule 5: the soak waits for an order of unknown outcome whose answer the terminal delivered, not for one whose answer never left', () => {
  const orders = [order(1, { kioskStatus: 599 }), order(2, { kioskStatus: 599 }), order(3), order(4)];
  const terminal = [approval(1), approval(2, { delivered: false }), approval(3)];
  const unknown = { orderState: 'outcome-unknown', status: undefined };
  const book = [paid(1, unknown), paid(2, unknown), paid(3), paid(4, { orderState: 'in-progress', status: undefined })];
  expect(awaitingSettlement(orders, terminal, book)).toEqual(['O1', 'O4']);
  expect(awaitingSettlement(orders, terminal, [paid(1), paid(2, unknown), paid(3), paid(4)])).toEqual([]);
});
