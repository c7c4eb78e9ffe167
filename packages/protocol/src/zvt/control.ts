/**
 * ZVT serial transport control bytes (ecrterm `transmission/signals.py`; zvt.md "Framing"). Prefixed ZVT_
 * so they never clash with Concert's STX/ETX/ACK/NAK in the package's exports.
 */
export const ZVT_STX = 0x02;
export const ZVT_ETX = 0x03;
export const ZVT_ACK = 0x06;
export const ZVT_DLE = 0x10;
export const ZVT_NAK = 0x15;
