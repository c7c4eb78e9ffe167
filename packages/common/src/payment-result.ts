/**
 * The protocol-neutral outcome of one terminal payment. Every terminal driver maps its
 * protocol's answer to this shape; the supervisor never sees a protocol byte.
 * Money is an integer in minor units. A card number here is always masked.
 */
export type PaymentOutcome = 'approved' | 'declined' | 'abandoned' | 'timeout' | 'error';

export interface PaymentResult {
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
  /** Any fields of the contract's Receipt the answer carries directly. */
  receipt?: Partial<Record<string, string>>;
  /**
   * Set when the connector, not the terminal, ended the payment: a placeholder that a late terminal answer
   * replaces. 'terminal-timeout': no answer in time; 'not-connected': the line was down, nothing was sent;
   * 'cancelled': the kiosk stopped waiting (GET /cancel); 'interrupted': tp-manager stopped during the payment;
   * 'line-lost': the line dropped after the terminal took the request and did not come back in time.
   */
  connectorCode?: 'terminal-timeout' | 'not-connected' | 'cancelled' | 'interrupted' | 'send-failed' | 'line-lost';
}

/** What a driver is asked to do for a payment. */
export interface PaymentRequest {
  /** Minor units, positive integer. */
  amount: number;
  /** ISO 4217 numeric, 3 digits, e.g. "978". */
  currencyNumeric: string;
  /** Free text the terminal echoes (Concert private field), e.g. the orderId. */
  reference: string;
}
