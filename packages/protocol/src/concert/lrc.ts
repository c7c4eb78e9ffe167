import { ETX, STX } from './control';
import { decodeError, decoded, type Result } from '../decode-result';

/** XOR of the given bytes. For a frame, pass every byte after STX up to and including ETX. */
export function lrc(bytes: Uint8Array): number {
  let x = 0;
  for (const b of bytes) x ^= b;
  return x;
}

/** STX payload ETX LRC. The payload must not hold STX or ETX: the receiver would cut the frame there. */
export function frame(payload: Uint8Array): Buffer {
  for (let i = 0; i < payload.length; i++) {
    if (payload[i] === STX || payload[i] === ETX) {
      throw new RangeError(`a Concert payload cannot hold STX or ETX (byte ${i} is 0x${hex(payload[i])})`);
    }
  }
  const out = Buffer.alloc(payload.length + 3);
  out[0] = STX;
  out.set(payload, 1);
  out[payload.length + 1] = ETX;
  out[payload.length + 2] = lrc(out.subarray(1, payload.length + 2));
  return out;
}

/** The payload of one complete frame (STX payload ETX LRC), checking its shape and LRC. */
export function unframe(bytes: Uint8Array): Result<Buffer> {
  const n = bytes.length;
  if (n < 3) return decodeError(`a Concert frame is at least 3 bytes (STX ETX LRC), got ${n}`);
  if (bytes[0] !== STX) return decodeError(`a Concert frame starts with STX (0x02), got 0x${hex(bytes[0])}`);
  if (bytes[n - 2] !== ETX) return decodeError(`a Concert frame ends with ETX (0x03) then the LRC, got 0x${hex(bytes[n - 2])}`);
  const payload = bytes.subarray(1, n - 2);
  if (payload.includes(STX) || payload.includes(ETX)) return decodeError('a Concert frame payload cannot hold STX or ETX');
  const expected = lrc(bytes.subarray(1, n - 1));
  if (expected !== bytes[n - 1]) {
    return decodeError(`bad LRC: the frame says 0x${hex(bytes[n - 1])}, its bytes give 0x${hex(expected)}`);
  }
  return decoded(Buffer.from(payload));
}

function hex(b: number | undefined): string {
  return (b ?? 0).toString(16).padStart(2, '0');
}
