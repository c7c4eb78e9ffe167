/**
 * POST /order body -> ValidatedOrder, or an HttpError 400 whose one-line message names every wrong field and
 * its rule. Decisions (local-api.md): amount is an integer in minor units; currency defaults to EUR; a missing
 * orderId is generated; null means "not given" for the optional fields; unknown fields are ignored; a basket
 * that is an object or array but malformed or not adding up is not forwarded (HiPay gets an empty cart) while
 * the payment goes ahead, and a basket that is neither an object nor an array is refused; a customer field
 * HiPay would refuse is left out of the HiPay order (customer.ts); card numbers in customer and customData are
 * masked (card-numbers.ts).
 */
import { currencyByAlpha, type Currency } from '@ecr/common';
import type { CustomData, ValidatedOrder } from '../contract';
import { basketForHipay } from './basket';
import { maskCardNumbers } from './card-numbers';
import { customerForHipay } from './customer';
import { describeValue } from './describe-value';
import { HttpError } from './errors';
import { normalizeFormBody } from './form-body';
import { formatErrors } from './messages';
import { MAX_NESTING, tooDeepAt } from './nesting';
import { generateOrderId } from './order-id';
import { validatorFor } from './validator';

export type BodySource = 'json' | 'form' | 'none';

export interface OrderRequest {
  order: ValidatedOrder;
  orderIdGenerated: boolean;
  /** Why a basket that was sent is not forwarded to HiPay (for the log). */
  basketDropped?: string;
  /** Which customer fields are left out of the HiPay order, and why (for the log). */
  customerDropped?: string;
  /** Top-level fields the connector does not know (ignored, logged at debug). */
  ignoredFields: string[];
}

/** The body after validation against OrderQuery. */
interface OrderQuery {
  amount: number;
  orderId?: string | null;
  currency?: string | null;
  basket?: unknown;
  customer?: Record<string, unknown> | null;
  customData?: CustomData | null;
}

const KNOWN_FIELDS = new Set(['amount', 'orderId', 'currency', 'basket', 'customer', 'customData']);
const EUR = currencyByAlpha('EUR') as Currency;

function badRequest(message: string): HttpError {
  return new HttpError(400, message);
}

export function parseOrderRequest(body: unknown, source: BodySource): OrderRequest {
  let data: unknown = body === undefined ? {} : body;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw badRequest(`the body must be a JSON object with at least "amount", got ${describeValue(data)}`);
  }
  if (source === 'form') data = normalizeFormBody(data as Record<string, unknown>);
  const deep = tooDeepAt(data);
  if (deep !== undefined) throw badRequest(`${deep} nests objects or arrays deeper than ${MAX_NESTING} levels`);

  const record = data as Record<string, unknown>;
  const validate = validatorFor('OrderQuery');
  if (!validate(data)) {
    const currency = (typeof record.currency === 'string' && currencyByAlpha(record.currency)) || EUR;
    throw badRequest(formatErrors(validate.errors ?? [], data, { currency }).join('; '));
  }
  const query = data as OrderQuery;
  const currency = currencyByAlpha(query.currency ?? 'EUR');
  // The schema's enum comes from currencyByAlpha, so this cannot happen; refuse rather than guess if it does.
  if (!currency) throw badRequest(`currency must be an ISO 4217 alphabetic code known to the connector, got ${describeValue(query.currency)}`);

  const orderIdGenerated = query.orderId === undefined || query.orderId === null;
  const order: ValidatedOrder = { orderId: query.orderId ?? generateOrderId(), amount: query.amount, currency };
  const basket = basketForHipay(query.basket, query.amount, currency);
  if (query.basket !== undefined && query.basket !== null) order.basketAsSent = query.basket;
  if (basket.items) order.basketItems = basket.items;
  // Card numbers are masked before anything is stored, echoed or forwarded (issue 10).
  let customerDropped: string | undefined;
  if (query.customer !== undefined && query.customer !== null) {
    const customer = maskCardNumbers(query.customer);
    const checked = customerForHipay(customer);
    order.customerAsSent = customer;
    order.customer = checked.customer;
    customerDropped = checked.dropped;
  }
  if (query.customData !== undefined && query.customData !== null) order.customData = maskCardNumbers(query.customData);

  return {
    order,
    orderIdGenerated,
    basketDropped: basket.dropped,
    customerDropped,
    ignoredFields: Object.keys(record).filter((key) => !KNOWN_FIELDS.has(key)),
  };
}
