/**
 * HiPay's rules for POST /rest/v1/order, applied to the raw form fields: required fields first
 * (1010101), then values (1010201). The first broken rule is the answer, as HiPay does.
 */
import { createHash } from 'node:crypto';
import { currencyByAlpha, type Result } from '@ecr/common';
import { invalidParameter, requiredParameterMissing, type HipayErrorAnswer } from './hipay-errors';

export type OrderFields = Record<string, string>;

/** What the sandbox keeps of a valid order to build its transaction. */
export interface AcceptedOrder {
  orderid: string;
  /** As sent, e.g. "8.99". */
  amount: string;
  currency: string;
  decimals: number;
  operation: 'Sale' | 'Authorization';
  eci: string;
  paymentProduct: string;
  customerId?: string;
  email?: string;
  mid?: string;
  authorizationCode?: string;
  customData?: Record<string, unknown>;
}

export const REQUIRED_FIELDS = ['orderid', 'description', 'amount', 'currency', 'payment_product', 'eci'] as const;
const ECI_VALUES = ['1', '2', '7', '9', '10'];
/** HiPay's limit on orderid (request reference of POST /v1/order). */
export const ORDERID_MAX_LENGTH = 32;
/** payment_product_parameters HiPay requires of a passive tpe order (hipay-gateway.md, "Limits and codes"). */
export const PASSIVE_REQUIRED_PARAMETERS = ['mid', 'acquirer_registrationid', 'hash'] as const;

function parseJsonField(fields: OrderFields, name: string, kind: 'array' | 'object'): Result<unknown, HipayErrorAnswer> {
  const text = fields[name];
  if (text === undefined || text === '') return { ok: true, value: undefined };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, error: invalidParameter(`The parameter '${name}' must be a JSON ${kind}: it is not valid JSON.`) };
  }
  const isArray = Array.isArray(value);
  const isObject = typeof value === 'object' && value !== null && !isArray;
  if ((kind === 'array' && !isArray) || (kind === 'object' && !isObject)) {
    return { ok: false, error: invalidParameter(`The parameter '${name}' must be a JSON ${kind}.`) };
  }
  return { ok: true, value };
}

/** sha1(orderid + amount + currency + hashKey), lower-case hex: the passive-mode order hash. */
export function passiveOrderHash(orderid: string, amount: string, currency: string, hashKey: string): string {
  return createHash('sha1').update(orderid + amount + currency + hashKey, 'utf8').digest('hex');
}

/**
 * Validates the form fields of an order. When hashKey is given, a tpe order's
 * payment_product_parameters.hash must match it.
 */
export function validateOrder(fields: OrderFields, hashKey?: string): Result<AcceptedOrder, HipayErrorAnswer> {
  for (const name of REQUIRED_FIELDS) {
    if (fields[name] === undefined || fields[name].trim() === '') return { ok: false, error: requiredParameterMissing(name) };
  }
  const { orderid, description, amount, eci } = fields;
  const bad = (d: string): Result<AcceptedOrder, HipayErrorAnswer> => ({ ok: false, error: invalidParameter(d) });
  if (orderid.length > ORDERID_MAX_LENGTH) return bad(`The parameter 'orderid' is longer than ${ORDERID_MAX_LENGTH} characters.`);
  if (description.length > 255) return bad(`The parameter 'description' is longer than 255 characters.`);
  if (!/^\d+(\.\d+)?$/.test(amount) || Number(amount) <= 0) {
    return bad(`The parameter 'amount' must be a positive decimal number such as 8.99, got '${amount}'.`);
  }
  const currency = currencyByAlpha(fields.currency);
  if (!currency) return bad(`The parameter 'currency' must be an ISO 4217 alphabetic code, got '${fields.currency}'.`);
  if (!ECI_VALUES.includes(eci)) return bad(`The parameter 'eci' must be one of ${ECI_VALUES.join(', ')}, got '${eci}'.`);
  if (!/^[a-z0-9-]+$/.test(fields.payment_product)) {
    return bad(`The parameter 'payment_product' is not a payment product code, got '${fields.payment_product}'.`);
  }
  const operation = fields.operation ?? 'Sale';
  if (operation !== 'Sale' && operation !== 'Authorization') {
    return bad(`The parameter 'operation' must be Sale or Authorization, got '${operation}'.`);
  }
  const ipt = fields.initialize_payment_terminal;
  if (ipt !== undefined && ipt !== '0' && ipt !== '1') {
    return bad(`The parameter 'initialize_payment_terminal' must be 0 or 1, got '${ipt}'.`);
  }
  if (fields.email !== undefined && fields.email !== '' && !/^[^@\s]+@[^@\s]+$/.test(fields.email)) {
    return bad(`The parameter 'email' is not an e-mail address.`);
  }
  const basket = parseJsonField(fields, 'basket', 'array');
  if (!basket.ok) return basket;
  const customData = parseJsonField(fields, 'custom_data', 'object');
  if (!customData.ok) return customData;
  const params = parseJsonField(fields, 'payment_product_parameters', 'object');
  if (!params.ok) return params;
  const ppp = (params.value ?? {}) as Record<string, unknown>;

  // A passive point-of-sale order must carry the merchant contract and the hash (POS Passive Integration page).
  if (fields.payment_product === 'tpe' && ipt !== '1') {
    for (const name of PASSIVE_REQUIRED_PARAMETERS) {
      const value = ppp[name];
      if ((typeof value !== 'string' && typeof value !== 'number') || String(value).trim() === '') {
        return { ok: false, error: requiredParameterMissing(`payment_product_parameters.${name}`) };
      }
    }
  }
  if (hashKey !== undefined && fields.payment_product === 'tpe') {
    const expected = passiveOrderHash(orderid, amount, fields.currency, hashKey);
    if (ppp.hash !== expected) {
      return bad(`The parameter 'payment_product_parameters.hash' does not match sha1(orderid + amount + currency + hash key).`);
    }
  }
  const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  return {
    ok: true,
    value: {
      orderid,
      amount,
      currency: currency.alpha,
      decimals: currency.exponent,
      operation,
      eci,
      paymentProduct: fields.payment_product,
      customerId: text(fields.cid),
      email: text(fields.email),
      mid: text(ppp.mid),
      authorizationCode: text(ppp.authorization_code),
      customData: customData.value as Record<string, unknown> | undefined,
    },
  };
}
