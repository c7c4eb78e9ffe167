/**
 * The contract's Receipt (hipay-unattended-ecr-connector.swagger.yaml). Every key is always present in an
 * answer; a value the terminal did not give is blanks of the field's width, never an invented number.
 * Widths are those of the contract's own example.
 */
export const RECEIPT_FIELD_WIDTHS = {
  ticketHeader: 20,
  localDate: 6,
  localTime: 6,
  acceptor: 58,
  transactionType: 2,
  contractNumber: 6,
  SIRET: 14,
  activity: 4,
  paymentType: 2,
  siteType: 8,
  primaryAccountNumber: 16,
  TASA: 4,
  cardAppExpiry: 6,
  serviceCode: 3,
  crypto: 16,
  currencyNumCode: 3,
  acceptationSystemNum: 3,
  transactionNumber: 6,
  transactionFileNumber: 6,
  readingMode: 1,
  authorizationNumber: 6,
  forceCode: 1,
  amount: 8,
  currencyAlphaCode: 3,
  currencyFractionPart: 1,
  counterValueAmount: 8,
  counterValueCurrencyAlphaCode: 3,
  counterValueCurrencyFractionPart: 1,
  inclusiveAmount: 8,
  ticketFooter: 39,
  AID: 16,
  label: 16,
} as const;

export type ReceiptKey = keyof typeof RECEIPT_FIELD_WIDTHS;
export type Receipt = Record<ReceiptKey, string>;
export const RECEIPT_KEYS = Object.keys(RECEIPT_FIELD_WIDTHS) as ReceiptKey[];

/** A receipt with every key: given values as they are, the others blank at their width. */
export function completeReceipt(given: Partial<Record<string, string | undefined>>): Receipt {
  const out = {} as Receipt;
  for (const key of RECEIPT_KEYS) {
    const v = given[key];
    out[key] = v === undefined ? ' '.repeat(RECEIPT_FIELD_WIDTHS[key]) : v;
  }
  return out;
}
