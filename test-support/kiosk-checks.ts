/** What a kiosk reads in the connector's answers, for fault tests. */
import type { ConnectorUnderTest, HttpAnswer } from './connector';
import { waitUntil } from './net';

export type OrderAnswer = { status: string; error: string | null; notificationHipaySent: boolean; orderId: string };
export type StoredOrder = OrderAnswer & { orderState?: string; hipay?: { state: string; attempts: number } };

/** GET /check's cr: "0" ready, "1" busy, "3" terminal not connected (undefined when /check itself failed). */
export async function checkCr(connector: ConnectorUnderTest): Promise<string | undefined> {
  const answer = await connector.get('/check', { timeoutMs: 10_000 });
  return answer.status === 200 ? (answer.body as { cr: string }[])[0]?.cr : undefined;
}

export function waitForCr(connector: ConnectorUnderTest, cr: string, timeoutMs: number): Promise<true> {
  return waitUntil(async () => ((await checkCr(connector)) === cr ? true : undefined), timeoutMs, `GET /check to answer cr="${cr}"`);
}

/** The message of an error answer ([{"error": "..."}]), or undefined when the body is not that shape. */
export function errorOf(answer: HttpAnswer): string | undefined {
  const body = answer.body;
  if (!Array.isArray(body) || body.length !== 1) return undefined;
  const [only] = body as unknown[];
  if (typeof only !== 'object' || only === null || Object.keys(only).length !== 1) return undefined;
  const error = (only as { error?: unknown }).error;
  return typeof error === 'string' ? error : undefined;
}

export async function storedOrder(connector: ConnectorUnderTest, orderId: string): Promise<StoredOrder | undefined> {
  const answer = await connector.get(`/order/${encodeURIComponent(orderId)}`);
  return answer.status === 200 ? (answer.body as StoredOrder[])[0] : undefined;
}

export function waitForTerminalRequest(connector: ConnectorUnderTest, amount: number, timeoutMs = 10_000): Promise<true> {
  return waitUntil(() => connector.terminalRequests().some((r) => r.amount === amount) || undefined, timeoutMs, `the terminal to get the payment of ${amount}`);
}
