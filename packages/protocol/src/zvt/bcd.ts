/** Packed BCD, as ZVT writes amounts, currencies, trace and receipt numbers, dates and the password. */

/** `digits` (a string of 0-9) into `bytes` bytes, left-padded with zeros. Throws on a bad value: encoders only. */
export function encodeBcd(digits: string, bytes: number): Buffer {
  if (!/^\d*$/.test(digits)) throw new RangeError(`BCD value must be decimal digits, got ${JSON.stringify(digits)}`);
  if (digits.length > bytes * 2) throw new RangeError(`BCD value ${digits} does not fit in ${bytes} bytes`);
  return Buffer.from(digits.padStart(bytes * 2, '0'), 'hex');
}

/** The nibbles as a string; undefined when a nibble is not a decimal digit. */
export function decodeBcdDigits(bytes: Uint8Array): string | undefined {
  const hex = Buffer.from(bytes).toString('hex');
  return /^\d*$/.test(hex) ? hex : undefined;
}

/** A BCD number, undefined when not decimal or beyond Number.MAX_SAFE_INTEGER. */
export function decodeBcdNumber(bytes: Uint8Array): number | undefined {
  const digits = decodeBcdDigits(bytes);
  if (digits === undefined) return undefined;
  const n = digits === '' ? 0 : Number(digits);
  return Number.isSafeInteger(n) ? n : undefined;
}
