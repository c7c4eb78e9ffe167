/**
 * The form fields of HiPay's POST /rest/v1/order for a payment the terminal already approved ("passive"
 * tpe mode, hipay-gateway.md). Pure: same order and settings, same fields.
 */
import { createHash } from 'node:crypto';
import { minorToMajorString, type Currency } from '@ecr/common';
import type { BasketItem, CustomData, Customer } from '../contract';

/** A paid order as the outbox keeps it. */
export interface HipayOrder {
  orderId: string;
  /** Minor units. */
  amount: number;
  currency: Currency;
  /** The terminal's authorisation number, when it gave one. */
  authorisationNumber?: string;
  customer?: Customer;
  /** Only when the kiosk's basket was well-formed and adds up to the amount. */
  basketItems?: BasketItem[];
  customData?: CustomData;
}

/** Merchant settings HiPay gives (HIPAY_HASHKEY, HIPAY_MID, HIPAY_ACQUIRER_ID). */
export interface HipayMerchantSettings {
  hashKey: string;
  mid: string;
  acquirerId: string;
}

export interface HipayOrderFields {
  orderid: string;
  description: string;
  amount: string;
  currency: string;
  eci: string;
  payment_product: string;
  initialize_payment_terminal: string;
  operation: string;
  payment_product_parameters: string;
  cid?: string;
  firstname?: string;
  lastname?: string;
  email?: string;
  basket?: string;
  custom_data?: string;
}

/** payment_product_parameters.code for a captured payment (200000 authorized, 200350 credit). */
export const PASSIVE_CODE_CAPTURED = '200100';

/** sha1(orderid + amount + currency + hashKey) in lower-case hex; amount as sent ("8.99"). */
export function passiveHash(orderid: string, amount: string, currency: string, hashKey: string): string {
  return createHash('sha1').update(orderid + amount + currency + hashKey, 'utf8').digest('hex');
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

export function buildOrderFields(order: HipayOrder, settings: HipayMerchantSettings): HipayOrderFields {
  const amount = minorToMajorString(order.amount, order.currency.exponent);
  const currency = order.currency.alpha;
  const params: Record<string, string> = {
    hash: passiveHash(order.orderId, amount, currency, settings.hashKey),
    code: PASSIVE_CODE_CAPTURED,
  };
  // Merchant settings default to empty in config.txt: send only the ones that are set.
  if (nonEmpty(settings.mid)) params.mid = settings.mid;
  if (nonEmpty(settings.acquirerId)) params.acquirer_registrationid = settings.acquirerId;
  if (nonEmpty(order.authorisationNumber)) params.authorization_code = order.authorisationNumber!;

  const fields: HipayOrderFields = {
    orderid: order.orderId,
    description: `Kiosk order ${order.orderId}`.slice(0, 255),
    amount,
    currency,
    eci: '10',
    payment_product: 'tpe',
    initialize_payment_terminal: '0',
    operation: 'Sale',
    payment_product_parameters: JSON.stringify(params),
  };
  const c = order.customer;
  if (nonEmpty(c?.id)) fields.cid = c!.id;
  if (nonEmpty(c?.firstname)) fields.firstname = c!.firstname;
  if (nonEmpty(c?.lastname)) fields.lastname = c!.lastname;
  if (nonEmpty(c?.email)) fields.email = c!.email;
  if (order.basketItems && order.basketItems.length > 0) fields.basket = JSON.stringify(order.basketItems);
  if (order.customData !== undefined) fields.custom_data = JSON.stringify(order.customData);
  return fields;
}
