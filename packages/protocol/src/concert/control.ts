/** Concert link-layer control bytes (ASCII control characters). */
export const STX = 0x02;
export const ETX = 0x03;
export const EOT = 0x04;
export const ENQ = 0x05;
export const ACK = 0x06;
export const NAK = 0x15;

const NAMES: Record<number, string> = { [STX]: 'STX', [ETX]: 'ETX', [EOT]: 'EOT', [ENQ]: 'ENQ', [ACK]: 'ACK', [NAK]: 'NAK' };

/** "ENQ", "ACK"... for a control byte, "0x41" otherwise: for logs and error messages. */
export function controlName(byte: number): string {
  return NAMES[byte] ?? `0x${byte.toString(16).padStart(2, '0')}`;
}
