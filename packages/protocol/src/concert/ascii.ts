/** Small checks shared by the fixed-width (V2) and TLV (V3) codecs. Concert payloads are printable ASCII. */

const PRINTABLE = /^[\x20-\x7e]*$/;

export function isPrintableAscii(text: string): boolean {
  return PRINTABLE.test(text);
}

/** Offset of the first byte that is not printable ASCII, or -1. */
export function firstNonPrintable(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    if (b < 0x20 || b > 0x7e) return i;
  }
  return -1;
}

/** The byte as a person reads it in an error message: 'A' or 0x05. */
export function showByte(b: number): string {
  return b >= 0x20 && b <= 0x7e ? `'${String.fromCharCode(b)}'` : `0x${b.toString(16).padStart(2, '0')}`;
}

/** A text value quoted for an error message; bytes that are not printable shown as \xNN. */
export function quote(text: string): string {
  return `'${text.replace(/[^\x20-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)}'`;
}
