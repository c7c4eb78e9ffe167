/**
 * The customer ticket a CB terminal prints for an approved debit, laid out like the seed connector's example
 * ("CARTE BANCAIRE|A0000000041010Mastercard|LE 28/11/19 A 11:06:17|..."). Concert V3 carries it in AK (the codec base64-encodes the lines and adds ZT).
 */
import { currencyByNumeric, minorToMajorString } from '@ecr/common';
import { TEST_CARD, TEST_MERCHANT } from './test-card';

export interface TicketFacts {
  amount: number;
  currencyNumeric: string;
  maskedPan: string;
  authorisationNumber: string;
  /** Terminal's transaction counter, printed as 6 digits. */
  transactionNumber: number;
  at: Date;
}

export function cbTicketLines(facts: TicketFacts): string[] {
  return [
    'CARTE BANCAIRE',
    `${TEST_CARD.aid}${TEST_CARD.label}`,
    `LE ${two(facts.at.getDate())}/${two(facts.at.getMonth() + 1)}/${two(facts.at.getFullYear() % 100)} A ${two(facts.at.getHours())}:${two(facts.at.getMinutes())}:${two(facts.at.getSeconds())}`,
    TEST_MERCHANT.name,
    TEST_MERCHANT.city,
    `${TEST_MERCHANT.contract} ${TEST_MERCHANT.site}`,
    facts.maskedPan,
    `001 ${String(facts.transactionNumber % 1_000_000).padStart(6, '0')} ${TEST_CARD.readingMode === '1' ? 'C' : 'S'}`,
    `NO AUTO:${facts.authorisationNumber}`,
    `MONTANT REEL:${formatAmount(facts.amount, facts.currencyNumeric)}`,
    'DEBIT',
    'TICKET CLIENT A CONSERVER',
  ];
}

/** 899 "978" -> "8,99 EUR"; a currency the ISO list lacks keeps its minor units and numeric code. */
export function formatAmount(amount: number, currencyNumeric: string): string {
  const currency = currencyByNumeric(currencyNumeric);
  if (!currency) return `${amount} (${currencyNumeric})`;
  return `${minorToMajorString(amount, currency.exponent, ',')} ${currency.alpha}`;
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}
