/**
 * The kiosk-facing shapes of the local API contract (hipay-unattended-ecr-connector.swagger.yaml), as the
 * service produces them. An answer's type is derived from its JSON Schema in http/schemas.ts (the one the
 * OpenAPI description serves); the validated order and the HiPay shapes below are what a request becomes
 * after validation and conversion, so they are not a schema's type.
 */
import type { Currency } from '@ecr/common';
import type { SchemaValue } from './http/schemas';

export type CustomData = Record<string, string | number | boolean>;

/** One basket item as HiPay's Order API wants it (european_article_numbering as a string). */
export interface BasketItem {
  european_article_numbering?: string;
  product_reference: string;
  type: 'good' | 'discount' | 'fee';
  quantity: number;
  name: string;
  unit_price: number;
  tax_rate: number;
  discount?: number;
  total_amount: number;
}

export interface Customer {
  id?: string;
  firstname?: string;
  lastname?: string;
  email?: string;
}

/** A POST /order request after validation: what the service needs, and what the answer echoes. */
export interface ValidatedOrder {
  orderId: string;
  /** Minor units. */
  amount: number;
  currency: Currency;
  /** The basket exactly as sent (object or array), echoed in the answer. */
  basketAsSent?: unknown;
  /** The basket as HiPay items when it is well-formed and its totals add up to the amount; else undefined. */
  basketItems?: BasketItem[];
  /** The customer exactly as sent, echoed in the answer. */
  customerAsSent?: unknown;
  /** The customer with ids as strings, for HiPay. */
  customer?: Customer;
  customData?: CustomData;
}

/** One element of the POST /order answer array (and of GET /order/{orderId}): the OrderResponse schema's type. */
export type OrderResponse = SchemaValue<'OrderResponse'>;
