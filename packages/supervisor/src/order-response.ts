/**
 * Builds the contract's answer to POST /order from the order and tp-manager's journal entry; the receipt
 * comes from receipt.ts, the one mapping of a terminal's answer to the contract's Receipt.
 */
import { currencyByNumeric, minorToMajorString, type JournalEntry, type PaymentResult } from '@ecr/common';
import type { OrderResponse, ValidatedOrder } from './contract';
import { buildReceipt } from './receipt';

/** The terminal's approval is for the amount and currency the kiosk asked (money rule 4). */
export function paidAsAsked(order: ValidatedOrder, result: PaymentResult): boolean {
  return result.amount === order.amount && result.currencyNumeric === order.currency.numeric;
}

/** "0.60 EUR" (or "0.60 in currency 840" for a code the connector does not know), from minor units. */
export function describeMoney(amount: number, currencyNumeric: string): string {
  const currency = currencyByNumeric(currencyNumeric);
  return currency ? `${minorToMajorString(amount, currency.exponent)} ${currency.alpha}` : `${amount} minor units of currency ${currencyNumeric}`;
}

export function buildOrderResponse(order: ValidatedOrder, entry: JournalEntry, notificationHipaySent = false): OrderResponse {
  const result = entry.result!;
  const approved = result.outcome === 'approved';
  const answeredAt = new Date(entry.finishedAt ?? Date.now());
  if (approved && !paidAsAsked(order, result)) {
    // Never Success for an amount the customer did not pay: the kiosk must not hand over the goods as asked.
    const paid = describeMoney(result.amount, result.currencyNumeric);
    const asked = describeMoney(order.amount, order.currency.numeric);
    return {
      status: 'Failure',
      error:
        `the terminal approved ${paid} of the ${asked} asked: the order is recorded as paid ${paid} and sent to HiPay ` +
        `with that amount; settle the difference with the customer`,
      receipt: null,
      ticket: null,
      ...echo(order),
      notificationHipaySent,
    };
  }
  return {
    status: approved ? 'Success' : 'Failure',
    error: approved ? null : failureText(result),
    receipt: approved ? buildReceipt(result, order.currency, answeredAt) : null,
    ticket: approved ? buildTicket(order, result, answeredAt) : null,
    ...echo(order),
    notificationHipaySent,
  };
}

/** A Failure answer decided by the connector itself (the terminal gave no result). */
export function failureResponse(order: ValidatedOrder, error: string): OrderResponse {
  return { status: 'Failure', error, receipt: null, ticket: null, ...echo(order), notificationHipaySent: false };
}

/** The request's own fields as the kiosk sent them. */
export function echo(order: ValidatedOrder): Pick<OrderResponse, 'amount' | 'currency' | 'orderId' | 'basket' | 'customer' | 'customData'> {
  return {
    amount: order.amount,
    currency: order.currency.alpha,
    orderId: order.orderId,
    basket: order.basketAsSent ?? null,
    customer: order.customerAsSent ?? null,
    customData: order.customData ?? null,
  };
}

export function failureText(result: PaymentResult): string {
  const what: Record<PaymentResult['outcome'], string> = {
    approved: 'approved',
    declined: 'payment declined',
    abandoned: 'payment abandoned',
    timeout: 'payment timed out',
    error: 'payment failed',
  };
  return result.reason ? `${what[result.outcome]}: ${result.reason}` : what[result.outcome];
}

/** The terminal's ticket when it gave one, else a customer ticket composed from what it did give. */
function buildTicket(order: ValidatedOrder, r: PaymentResult, at: Date): string {
  const lines =
    r.ticket && r.ticket.length > 0
      ? r.ticket
      : [
          'CARTE BANCAIRE',
          `${r.aid ?? ''}${r.applicationLabel ?? ''}`.trim(),
          `LE ${two(at.getDate())}/${two(at.getMonth() + 1)}/${two(at.getFullYear() % 100)} A ${two(at.getHours())}:${two(at.getMinutes())}:${two(at.getSeconds())}`,
          r.merchantContract ? `CONTRAT ${r.merchantContract}` : '',
          r.maskedPan ?? '',
          r.authorisationNumber ? `NO AUTO:${r.authorisationNumber}` : '',
          `MONTANT:${minorToMajorString(r.amount, order.currency.exponent, ',')} ${order.currency.alpha}`,
          'DEBIT',
          'TICKET CLIENT A CONSERVER',
        ].filter((line) => line !== '');
  return lines.join('|') + '||';
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}
