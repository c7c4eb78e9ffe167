/**
 * The ZVT serial frame: DLE STX, the APDU with every 0x10 doubled, DLE ETX, then the CRC-16 low byte first
 * (not doubled). Source: wirelane/ecrterm `transmission/transport_serial.py` (send_message writes
 * DLE STX + data.replace(DLE, DLE DLE) + DLE ETX + crc_l + crc_h; read() takes the two CRC bytes raw).
 */
import { ZVT_DLE, ZVT_ETX, ZVT_STX } from './control';
import { zvtCrc16 } from './crc';
import { decodeError, decoded, type Result } from '../decode-result';

/** CRC of a frame: over the APDU (undoubled) and ETX. */
export function zvtFrameCrc(apdu: Uint8Array): number {
  return zvtCrc16(Buffer.from([ZVT_ETX]), zvtCrc16(apdu));
}

export function frameZvtSerial(apdu: Uint8Array): Buffer {
  const out: number[] = [ZVT_DLE, ZVT_STX];
  for (const b of apdu) {
    out.push(b);
    if (b === ZVT_DLE) out.push(ZVT_DLE);
  }
  const crc = zvtFrameCrc(apdu);
  out.push(ZVT_DLE, ZVT_ETX, crc & 0xff, crc >> 8);
  return Buffer.from(out);
}

/** The APDU of one complete serial frame, checking DLE doubling and the CRC. Never throws. */
export function unframeZvtSerial(frame: Uint8Array): Result<Buffer> {
  const n = frame.length;
  if (n < 6) return decodeError(`a ZVT serial frame is at least 6 bytes (DLE STX DLE ETX CRC CRC), got ${n}`);
  if (frame[0] !== ZVT_DLE || frame[1] !== ZVT_STX) return decodeError('a ZVT serial frame starts with DLE STX (10 02)');
  if (frame[n - 4] !== ZVT_DLE || frame[n - 3] !== ZVT_ETX) return decodeError('a ZVT serial frame ends with DLE ETX (10 03) and two CRC bytes');
  const apdu: number[] = [];
  for (let i = 2; i < n - 4; i++) {
    const b = frame[i];
    if (b !== ZVT_DLE) {
      apdu.push(b);
    } else if (frame[i + 1] === ZVT_DLE && i + 1 < n - 4) {
      apdu.push(ZVT_DLE);
      i++;
    } else {
      return decodeError(`a single DLE (10) at byte ${i} inside a ZVT frame: a 10 in the APDU is sent twice`);
    }
  }
  const data = Buffer.from(apdu);
  const expected = zvtFrameCrc(data);
  const got = frame[n - 2] | (frame[n - 1] << 8);
  if (got !== expected) return decodeError(`bad CRC: the frame says ${hex16(got)}, its bytes give ${hex16(expected)}`);
  return decoded(data);
}

function hex16(v: number): string {
  return `0x${v.toString(16).padStart(4, '0')}`;
}
