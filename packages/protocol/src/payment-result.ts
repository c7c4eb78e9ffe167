/**
 * What a terminal said of one payment, whatever its protocol: the fields a protocol's answer is mapped to
 * (Concert in concert/result.ts; ZVT through tp-manager's zvt-result.ts). @ecr/common's PaymentResult is this,
 * plus what only the connector knows. Money is an integer in minor units. A card number here is always masked.
 */
export type PaymentOutcome = 'approved' | 'declined' | 'abandoned' | 'timeout' | 'error';

export interface TerminalPaymentResult {
  outcome: PaymentOutcome;
  /** Why the payment did not go through, in words a person can act on (absent when approved). */
  reason?: string;
  /** Amount the terminal reports, minor units. */
  amount: number;
  /** ISO 4217 numeric code the terminal reports, e.g. "978". */
  currencyNumeric: string;
  /** Masked PAN, e.g. "497010XXXXXX0014". Never the full number. */
  maskedPan?: string;
  authorisationNumber?: string;
  aid?: string;
  /** Reading mode as the terminal gives it (Concert V3 CI, e.g. "1" contact, "C" contactless). */
  readingMode?: string;
  merchantContract?: string;
  /** Card expiry, YYMM. */
  cardExpiry?: string;
  /** Application label, e.g. "CB", "Mastercard". */
  applicationLabel?: string;
  /** Customer ticket lines, when the terminal gave a ticket. */
  ticket?: string[];
  /** The terminal's trace (transaction) number, when its protocol gives one (ZVT BMP 0B). */
  traceNumber?: string;
}
