/**
 * The card the simulated customer presents, and the merchant the simulated terminal belongs to. The PAN is
 * a published test number (Luhn-valid, CB BIN 497010): no real card ever appears in a test or a log.
 */
import { maskPan } from '@ecr/common';

export const TEST_CARD = {
  pan: '4970100000000014',
  /** CB application, contact chip. */
  aid: 'A0000000421010',
  label: 'CB',
  /** Concert V3 CC: "001" CB contact. */
  application: '001',
  /** Concert V3 CI / V2 report: "1" contact chip. */
  readingMode: '1',
} as const;

export const TEST_MERCHANT = {
  name: 'ECR SIMULATOR',
  city: '75 PARIS',
  /** CB merchant contract number (V3 CG, V2 report). */
  contract: '1234567',
  /** Site (SIRET-like) number printed beside the contract. */
  site: '12345678901234',
} as const;

export function maskedTestPan(): string {
  return maskPan(TEST_CARD.pan);
}

/** Card expiry YYMM: December of next year, so the card is always valid. */
export function testCardExpiry(now: Date): string {
  return `${String((now.getFullYear() + 1) % 100).padStart(2, '0')}12`;
}

/** Six digits, as issuers' authorisation numbers look. */
export function newAuthorisationNumber(random: () => number = Math.random): string {
  return String(100000 + Math.floor(random() * 900000));
}
