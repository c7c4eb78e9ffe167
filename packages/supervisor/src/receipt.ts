/**
 * The kiosk's receipt (the contract's Receipt) from a terminal's answer: the one mapping, whatever the
 * protocol. Drivers give a PaymentResult; the contract's names, widths and padding are known here only.
 * Every key is present; a value the terminal did not give is blanks of the field's width, never invented.
 * Local date and time are the connector's clock when the terminal answered (a fact, not a guess).
 */
import { completeReceipt, RECEIPT_FIELD_WIDTHS, type Currency, type PaymentResult, type Receipt, type ReceiptKey } from '@ecr/common';

export function buildReceipt(r: PaymentResult, currency: Pick<Currency, 'alpha' | 'exponent'>, answeredAt: Date): Receipt {
  const amount = String(r.amount).padStart(8, '0');
  const given: Partial<Record<ReceiptKey, string>> = {
    ...terminalFields(r),
    localDate: two(answeredAt.getDate()) + two(answeredAt.getMonth() + 1) + two(answeredAt.getFullYear() % 100),
    localTime: two(answeredAt.getHours()) + two(answeredAt.getMinutes()) + two(answeredAt.getSeconds()),
    amount,
    inclusiveAmount: amount,
    currencyNumCode: r.currencyNumeric,
    currencyAlphaCode: currency.alpha,
    currencyFractionPart: String(currency.exponent),
  };
  const receipt = completeReceipt(given);
  for (const key of Object.keys(receipt) as ReceiptKey[]) receipt[key] = receipt[key].padEnd(RECEIPT_FIELD_WIDTHS[key], ' ');
  return receipt;
}

/**
 * What the terminal said, under the contract's names. The authorisation number is cut to the contract's 6
 * characters (ZVT's BMP 3B has 8); an AID is shown whole, as Concert V3 terminals give it (up to 32 hex digits,
 * wider than the contract's example); a masked card number keeps 19 characters at most (a card number's longest).
 */
export function terminalFields(r: PaymentResult): Partial<Record<ReceiptKey, string>> {
  const fields: Partial<Record<ReceiptKey, string>> = {};
  if (r.maskedPan) fields.primaryAccountNumber = r.maskedPan.slice(0, 19);
  if (r.authorisationNumber) fields.authorizationNumber = r.authorisationNumber.slice(0, RECEIPT_FIELD_WIDTHS.authorizationNumber);
  if (r.aid) fields.AID = r.aid;
  if (r.readingMode) fields.readingMode = r.readingMode;
  if (r.merchantContract) fields.contractNumber = r.merchantContract;
  if (r.cardExpiry) fields.cardAppExpiry = r.cardExpiry;
  if (r.traceNumber) fields.transactionNumber = r.traceNumber.padStart(RECEIPT_FIELD_WIDTHS.transactionNumber, '0').slice(-RECEIPT_FIELD_WIDTHS.transactionNumber);
  // The card's brand as the terminal's application names it.
  if (r.applicationLabel) fields.label = r.applicationLabel;
  return fields;
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}
