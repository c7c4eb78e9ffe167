/**
 * The basket as HiPay items, or why it is not forwarded. A malformed basket, or one whose total_amount values
 * do not add up to the amount, never stops a payment: HiPay then gets an empty cart (local-api.md).
 */
import { majorToMinor, minorToMajorString, type Currency } from '@ecr/common';
import type { BasketItem } from '../contract';
import { formatErrors } from './messages';
import { validatorFor } from './validator';

export interface BasketCheck {
  items?: BasketItem[];
  /** Set when a basket was sent but is not forwarded: one line for the log. */
  dropped?: string;
}

function money(minor: number, currency: Currency): string {
  const sign = minor < 0 ? '-' : '';
  return `${sign}${minorToMajorString(Math.abs(minor), currency.exponent)} ${currency.alpha}`;
}

function toItem(raw: Record<string, unknown>): BasketItem {
  const item: BasketItem = {
    product_reference: raw.product_reference as string,
    type: raw.type as BasketItem['type'],
    quantity: raw.quantity as number,
    name: raw.name as string,
    unit_price: raw.unit_price as number,
    tax_rate: raw.tax_rate as number,
    total_amount: raw.total_amount as number,
  };
  if (raw.european_article_numbering !== undefined) item.european_article_numbering = String(raw.european_article_numbering);
  if (raw.discount !== undefined) item.discount = raw.discount as number;
  return item;
}

export function basketForHipay(basket: unknown, amount: number, currency: Currency): BasketCheck {
  if (basket === undefined || basket === null) return {};
  const list: unknown[] = Array.isArray(basket) ? basket : [basket];
  if (list.length === 0) return { dropped: 'the basket is empty' };
  const validate = validatorFor('BasketItem');
  const items: BasketItem[] = [];
  let total = 0;
  for (const [index, raw] of list.entries()) {
    const name = Array.isArray(basket) ? `basket[${index}]` : 'basket';
    if (!validate(raw)) {
      const [first] = formatErrors(validate.errors ?? [], raw, { currency }, name);
      return { dropped: first ?? `${name} is not a basket item` };
    }
    const item = toItem(raw as Record<string, unknown>);
    const minor = majorToMinor(item.total_amount, currency.exponent);
    if (minor === undefined) {
      return { dropped: `${name}.total_amount ${item.total_amount} has more decimals than ${currency.alpha} allows (${currency.exponent})` };
    }
    total += minor;
    items.push(item);
  }
  if (total !== amount) {
    return { dropped: `the basket's total_amount values add up to ${money(total, currency)}, not the amount ${money(amount, currency)}` };
  }
  return { items };
}
