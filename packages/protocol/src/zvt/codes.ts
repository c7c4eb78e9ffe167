/**
 * Texts for ZVT codes, from wirelane/ecrterm `ecrterm/common.py` (INTERMEDIATE_STATUS_CODES, ERRORCODES,
 * TERMINAL_STATUS_CODES), which transcribes the ZVT specification's tables.
 */
const INTERMEDIATE: Record<number, string> = {
  0x00: 'waiting for amount confirmation',
  0x01: 'please watch PIN pad',
  0x02: 'please watch PIN pad',
  0x03: 'not accepted',
  0x04: 'waiting for response from host',
  0x05: 'sending auto-reversal',
  0x06: 'sending post-bookings',
  0x07: 'card not admitted',
  0x08: 'card unknown',
  0x09: 'expired card',
  0x0a: 'insert card',
  0x0b: 'please remove card',
  0x0c: 'card not readable',
  0x0d: 'processing error',
  0x0e: 'please wait',
  0x0f: 'automatic end of day',
  0x10: 'invalid card',
  0x11: 'balance display',
  0x12: 'system malfunction',
  0x13: 'payment not possible',
  0x14: 'credit not sufficient',
  0x15: 'incorrect PIN',
  0x16: 'limit not sufficient',
  0x17: 'please wait',
  0x18: 'PIN try limit exceeded',
  0x19: 'card data incorrect',
  0x1a: 'service mode',
  0x1b: 'approved, please fill up',
  0x1c: 'approved, please take goods',
  0x1d: 'declined',
  0x26: 'waiting for mobile number',
  0x27: 'waiting for repeat of mobile number',
  0xc7: 'waiting for mileage',
  0xc8: 'waiting for cashier',
  0xc9: 'automatic diagnosis',
  0xca: 'automatic initialisation',
  0xcb: 'merchant journal full',
  0xcc: 'debit advice not possible, PIN required',
  0xd2: 'connecting dial-up',
  0xd3: 'dial-up connection made',
  0xe0: 'waiting for application selection',
  0xe1: 'waiting for language selection',
  0xf1: 'offline',
  0xf2: 'online',
  0xf3: 'offline transaction',
};

/** 0x41-0x67 are 0x01-0x27 with "please remove card" added (ecrterm's table). */
export function intermediateStatusText(code: number): string {
  const own = INTERMEDIATE[code];
  if (own) return own;
  if (code >= 0x41 && code <= 0x67 && INTERMEDIATE[code - 0x40]) return `${INTERMEDIATE[code - 0x40]}, please remove card`;
  return `terminal status ${hex(code)}`;
}

const RESULT: Record<number, string> = {
  0x00: 'no error',
  0x64: 'card not readable',
  0x65: 'card data not present',
  0x66: 'processing error',
  0x67: 'function not permitted for ec and Maestro cards',
  0x68: 'function not permitted for credit and tank cards',
  0x6a: 'turnover file full',
  0x6b: 'function deactivated (terminal not registered)',
  0x6c: 'aborted by time-out or abort key',
  0x6e: 'card in blocked list',
  0x6f: 'wrong currency',
  0x71: 'credit not sufficient',
  0x72: 'chip error',
  0x73: 'card data incorrect',
  0x77: 'end of day not possible',
  0x78: 'card expired',
  0x79: 'card not yet valid',
  0x7a: 'card unknown',
  0x7d: 'communication error',
  0x83: 'function not possible',
  0x85: 'key missing',
  0x89: 'PIN pad defective',
  0x9a: 'ZVT protocol error',
  0x9b: 'dial-up or communication fault',
  0x9c: 'please wait',
  0xa0: 'receiver not ready',
  0xa1: 'remote station does not respond',
  0xa3: 'no connection',
  0xb1: 'memory full',
  0xb2: 'merchant journal full',
  0xb4: 'already reversed',
  0xb5: 'reversal not possible',
  0xc2: 'diagnosis required',
  0xc3: 'maximum amount exceeded',
  0xc5: 'payment method not supported',
  0xc6: 'currency not applicable',
  0xc8: 'amount too small',
  0xcc: 'printer not ready',
  0xdc: 'card inserted',
  0xe2: 'card reader defective',
  0xe4: 'terminal activation required',
  0xf0: 'open end-of-day batch present',
  0xfc: 'necessary device not present or defective',
  0xfe: 'register unknown',
  0xff: 'system error',
};

/** 01-63 come from the host (network operator / authorisation system): the card was refused there. */
export function isHostRefusal(code: number): boolean {
  return code >= 0x01 && code <= 0x63;
}

export function resultCodeText(code: number): string {
  if (isHostRefusal(code)) return `refused by the authorisation system (code ${hex(code)})`;
  return RESULT[code] ?? `error ${hex(code)}`;
}

const TERMINAL_STATUS: Record<number, string> = {
  0x00: 'ready',
  0x51: 'initialisation required',
  0x62: 'date/time incorrect',
  0x9c: 'please wait (e.g. software update running)',
  0xb1: 'memory full',
  0xb2: 'merchant journal full',
  0xbf: 'voltage supply too low',
  0xc0: 'card locking mechanism defect',
  0xc1: 'merchant card locked',
  0xc2: 'diagnosis required',
  0xc4: 'card profile invalid',
  0xcc: 'printer not ready',
  0xdc: 'card inserted',
  0xdf: 'out of order',
  0xe0: 'remote maintenance activated',
  0xe1: 'card not completely removed',
};

export function terminalStatusText(code: number): string {
  return TERMINAL_STATUS[code] ?? `terminal status ${hex(code)}`;
}

function hex(b: number): string {
  return b.toString(16).padStart(2, '0').toUpperCase();
}
