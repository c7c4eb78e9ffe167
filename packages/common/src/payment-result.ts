/**
 * The protocol-neutral outcome of one terminal payment: what the terminal said (TerminalPaymentResult, defined
 * with the protocols in @ecr/protocol) plus what only the connector knows. Every terminal driver maps its
 * protocol's answer to this shape; the supervisor never sees a protocol byte, and builds the kiosk's receipt
 * from these fields alone (supervisor/src/receipt.ts, the one mapping to the contract's Receipt).
 */
import type { PaymentOutcome, TerminalPaymentResult } from '@ecr/protocol';

export type { PaymentOutcome };

export interface PaymentResult extends TerminalPaymentResult {
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
