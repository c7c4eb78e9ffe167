/**
 * What a person checks after a fault: how many payments reached the terminal (its own request log), how many
 * outcomes the connector recorded (GET /order/{orderId}), how many orders HiPay holds (the sandbox), and how
 * many of any of these happened twice. Orders are told apart on the terminal by their amount, so each order
 * of a test gets an amount of its own.
 */
import type { ConnectorUnderTest } from './connector';

export interface TrackedOrder {
  orderId: string;
  amount: number;
}

export interface FaultCounts {
  /** Requests the terminal received for these orders. */
  paymentsMade: number;
  /** Orders whose result GET /order/{orderId} reports: done, or recorded as of unknown outcome. */
  resultsRecorded: number;
  /** Orders the HiPay sandbox stored. */
  deliveredToHipay: number;
  /** Second terminal requests for one order, and every post HiPay received again for an orderId it already held. */
  duplicates: number;
}

export async function faultCounts(connector: ConnectorUnderTest, orders: readonly TrackedOrder[]): Promise<FaultCounts> {
  const requests = connector.terminalRequests().filter((r) => r.outcome !== 'bad-request');
  const atHipay = connector.sandbox.orders();
  let paymentsMade = 0;
  let resultsRecorded = 0;
  let deliveredToHipay = 0;
  let duplicates = 0;
  for (const { orderId, amount } of orders) {
    const made = requests.filter((r) => r.amount === amount).length;
    // The sandbox keeps one row per orderid, so a second order shows only in the row's count of later posts.
    const atHipayForOrder = atHipay.find((o) => o.orderid === orderId);
    paymentsMade += made;
    deliveredToHipay += atHipayForOrder ? 1 : 0;
    duplicates += Math.max(made - 1, 0) + (atHipayForOrder?.duplicatePosts ?? 0);
    const answer = await connector.get(`/order/${encodeURIComponent(orderId)}`);
    const state = answer.status === 200 ? (answer.body as { orderState?: string }[])[0]?.orderState : undefined;
    if (state === 'done' || state === 'outcome-unknown') resultsRecorded += 1;
  }
  return { paymentsMade, resultsRecorded, deliveredToHipay, duplicates };
}

/** Prints the counts (one line, for the person reading the test output) and returns them for the assertion. */
export async function reportCounts(label: string, connector: ConnectorUnderTest, orders: readonly TrackedOrder[]): Promise<FaultCounts> {
  const c = await faultCounts(connector, orders);
  console.log(
    `[fault] ${label}: payments made ${c.paymentsMade}, results recorded ${c.resultsRecorded}, ` +
      `orders delivered to HiPay ${c.deliveredToHipay}, duplicates ${c.duplicates}`,
  );
  return c;
}
