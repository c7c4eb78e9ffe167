/**
 * Over TCP the APDUs travel back to back with no further framing (zvt.md "Framing"; EVerest/zvt `io.rs`
 * reads the 3-byte header, the extended length, then the data). This splits a byte stream into APDUs:
 * several in one read, one split over several reads.
 */
import { parseApdu, type Apdu } from './apdu';

export class ZvtTcpDeframer {
  private buffer: Buffer = Buffer.alloc(0);

  /** Feeds bytes as read from the socket; returns every APDU now complete, in order. */
  push(bytes: Uint8Array): Apdu[] {
    this.buffer = this.buffer.length === 0 ? Buffer.from(bytes) : Buffer.concat([this.buffer, bytes]);
    const out: Apdu[] = [];
    let offset = 0;
    for (;;) {
      const parsed = parseApdu(this.buffer, offset);
      if (parsed.kind !== 'apdu') break;
      out.push(parsed.apdu);
      offset += parsed.size;
    }
    this.buffer = this.buffer.subarray(offset);
    return out;
  }

  /** Bytes of an APDU not yet complete (a reconnect should drop them: reset()). */
  get pending(): number {
    return this.buffer.length;
  }

  reset(): void {
    this.buffer = Buffer.alloc(0);
  }
}
