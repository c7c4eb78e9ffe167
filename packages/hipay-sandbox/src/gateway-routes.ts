/**
 * The two Order API calls the connector uses, with HiPay's rules: POST /rest/v1/order and
 * GET /rest/v1/transaction?orderid=X. Faults apply here, never to the /_sandbox/ admin API.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HipayFaults } from './faults';
import {
  duplicateOrder,
  HipayErrorCode,
  incorrectCredentials,
  requiredParameterMissing,
  temporarilyUnavailable,
  unknownOrder,
  type HipayErrorAnswer,
} from './hipay-errors';
import { hasCredentials, parseForm, readBody, sendJson, sendText } from './http-util';
import type { OrderStore } from './order-store';
import { buildTransaction } from './transaction';
import { validateOrder } from './validate-order';

export interface GatewayContext {
  store: OrderStore;
  faults(): HipayFaults;
  login: string;
  password: string;
  hashKey?: string;
  /** Runs fn after ms unless the sandbox closes first. */
  later(ms: number, fn: () => void): void;
}

function sendError(res: ServerResponse, answer: HipayErrorAnswer): void {
  sendJson(res, answer.httpStatus, answer.body);
}

/** Answers a fault or a credentials failure; true when it did, false when the call may go on. */
function gateAnswer(req: IncomingMessage, res: ServerResponse, ctx: GatewayContext): boolean {
  const faults = ctx.faults();
  if (faults.unavailable === '1000008') {
    sendError(res, temporarilyUnavailable());
    return true;
  }
  if (faults.unavailable === 'http-503' || faults.unavailable === 'http-500') {
    const status = faults.unavailable === 'http-503' ? 503 : 500;
    sendText(res, status, status === 503 ? 'Service Unavailable' : 'Internal Server Error');
    return true;
  }
  if (faults.refuseCredentials || !hasCredentials(req, ctx.login, ctx.password)) {
    sendError(res, incorrectCredentials());
    return true;
  }
  return false;
}

export async function handleOrderPost(req: IncomingMessage, res: ServerResponse, ctx: GatewayContext): Promise<void> {
  ctx.store.countPost();
  const body = await readBody(req);
  if (gateAnswer(req, res, ctx)) return;
  const fields = parseForm(req, body);
  const checked = validateOrder(fields, ctx.hashKey);
  if (!checked.ok) return sendError(res, checked.error);
  const order = checked.value;
  const faults = ctx.faults();
  if (ctx.store.has(order.orderid)) {
    ctx.store.countDuplicate(order.orderid);
    return sendError(res, duplicateOrder(faults.duplicateCode ?? HipayErrorCode.duplicateOrder));
  }
  const now = new Date();
  const transaction = buildTransaction(order, ctx.store.newTransactionReference(), faults.declined === true, now);
  // Stored before any delay: a slow HiPay has the order even when the client gave up waiting.
  ctx.store.add({ orderid: order.orderid, fields, receivedAt: now.toISOString(), transaction, duplicatePosts: 0 });
  if (faults.loseCreationAnswer) {
    // The answer is lost on the way back (a cut connection): the client cannot know HiPay has the order.
    res.socket?.destroy();
    return;
  }
  const delay = faults.delayMs ?? 0;
  if (delay > 0) ctx.later(delay, () => sendJson(res, 200, transaction));
  else sendJson(res, 200, transaction);
}

/**
 * HiPay's TransactionDetail shape: {"transaction": {...}}, or keyed by index as HiPay's Node SDK notes for
 * several transactions. An order not stored, or stored less than lookupLagMs ago, is 3000001 "Unknown Order".
 */
export async function handleTransactionLookup(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  ctx: GatewayContext,
): Promise<void> {
  ctx.store.countLookup();
  await readBody(req);
  if (gateAnswer(req, res, ctx)) return;
  const orderid = url.searchParams.get('orderid');
  if (!orderid) return sendError(res, requiredParameterMissing('orderid'));
  const faults = ctx.faults();
  const stored = ctx.store.get(orderid);
  const lagging = stored !== undefined && Date.now() - Date.parse(stored.receivedAt) < (faults.lookupLagMs ?? 0);
  if (!stored || lagging) return sendError(res, unknownOrder(orderid, faults.unknownOrderStatus ?? 404));
  sendJson(res, 200, { transaction: faults.indexKeyedLookup ? { '0': stored.transaction } : stored.transaction });
}
