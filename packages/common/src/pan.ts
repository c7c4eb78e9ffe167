/**
 * Card numbers never leave the connector unmasked: first 6 and last 4 digits kept, the rest "X"
 * (PCI DSS display rule, and the contract's example "123456XXXXXX7890").
 */
export function maskPan(pan: string): string {
  const digits = pan.replace(/\s/g, '');
  if (digits.length < 13) return 'X'.repeat(digits.length);
  return digits.slice(0, 6) + 'X'.repeat(digits.length - 10) + digits.slice(-4);
}

/** 13 to 19 consecutive digits that pass the Luhn check: what a full card number looks like in text. */
const PAN_CANDIDATE = /(?<!\d)\d{13,19}(?!\d)/g;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** Masks every full card number found in a text. */
export function maskPansInText(text: string): string {
  return text.replace(PAN_CANDIDATE, (m) => (luhnValid(m) ? maskPan(m) : m));
}
