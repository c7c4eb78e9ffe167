/**
 * CRC-16 of the ZVT serial frame: the CCITT polynomial in its reflected form 0x8408, initial value 0, no final
 * XOR (the variant catalogued as CRC-16/KERMIT; check value 0x2189 for "123456789"). It is computed over the
 * APDU as sent before DLE doubling, plus the ETX byte, and written low byte first.
 * Source: wirelane/ecrterm `ecrterm/crc.py` (TABLE_XMODEM16, built from poly 0x8408, crc starts at 0) and
 * `transmission/transport_serial.py` (SerialMessage: crc over apdu + ETX; crc_l then crc_h).
 */
const TABLE = buildTable(0x8408);

function buildTable(poly: number): Uint16Array {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ poly : crc >>> 1;
    table[i] = crc;
  }
  return table;
}

export function zvtCrc16(bytes: Uint8Array, initial = 0): number {
  let crc = initial;
  for (const b of bytes) crc = TABLE[(crc ^ b) & 0xff] ^ (crc >>> 8);
  return crc & 0xffff;
}
