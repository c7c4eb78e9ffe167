/**
 * Card numbers a kiosk puts where none belongs (customData, customer): the connector must not keep or forward
 * a PAN the terminal never gave it (PCI DSS), so every 13-19 digit run passing Luhn is masked before the order
 * is stored or sent to HiPay, whether it came as text or as a JSON number.
 */
import { luhnValid, maskPan, maskPansInText } from '@ecr/common';

/** A number that reads as a card number: an integer of 13 to 19 digits passing Luhn. */
function isCardNumber(value: number): boolean {
  if (!Number.isSafeInteger(value) || value < 0) return false;
  const digits = String(value);
  return digits.length >= 13 && digits.length <= 19 && luhnValid(digits);
}

/** The value with every card number masked (6 first and 4 last digits kept); a masked number becomes text. */
export function maskCardNumbers<T>(value: T): T {
  if (typeof value === 'string') return maskPansInText(value) as T;
  if (typeof value === 'number') return (isCardNumber(value) ? maskPan(String(value)) : value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => maskCardNumbers(v)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskCardNumbers(v)])) as T;
  }
  return value;
}
