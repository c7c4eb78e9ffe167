/**
 * The TLV container carried by BMP 06: BER-TLV tags (a first byte whose low five bits are all set is followed
 * by more tag bytes, each but the last with bit 8 set), BER lengths (`81 xx`, `82 xx xx` above 127), and
 * constructed tags (bit 6 of the first byte) holding further TLV. Sources: wirelane/ecrterm
 * `packets/tlv.py` (_read_tlv_tag, _read_tlv_length, constructed = first byte & 0x20); EVerest/zvt
 * `zvt_builder/src/length.rs` (Tlv length). An empty container `06 00` is valid.
 */
import { decodeError, decoded, type Result } from '../decode-result';

export interface TlvNode {
  /** The tag bytes as one number: 0x07, 0x1F44... */
  tag: number;
  value: Buffer;
  /** For a constructed tag: its value parsed as TLV (absent when it did not parse). */
  children?: TlvNode[];
}

/** Constructed tags nest; a container deeper than this is refused rather than followed. */
const MAX_DEPTH = 8;

export function parseTlv(bytes: Uint8Array, depth = 0): Result<TlvNode[]> {
  const nodes: TlvNode[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    const tagStart = pos;
    let tag = bytes[pos++];
    if ((tag & 0x1f) === 0x1f) {
      for (;;) {
        if (pos >= bytes.length) return decodeError(`TLV tag at byte ${tagStart} is cut short`);
        const b = bytes[pos++];
        tag = tag * 256 + b;
        if (!(b & 0x80)) break;
        if (pos - tagStart > 4) return decodeError(`TLV tag at byte ${tagStart} is longer than 4 bytes`);
      }
    }
    const length = readBerLength(bytes, pos);
    if (!length.ok) return decodeError(`TLV tag ${tagHex(tag)}: ${length.error}`);
    pos = length.value.next;
    const end = pos + length.value.length;
    if (end > bytes.length) return decodeError(`TLV tag ${tagHex(tag)} says ${length.value.length} bytes, only ${bytes.length - pos} follow`);
    const node: TlvNode = { tag, value: Buffer.from(bytes.subarray(pos, end)) };
    if (isConstructed(tag) && depth < MAX_DEPTH) {
      const inner = parseTlv(node.value, depth + 1);
      if (inner.ok) node.children = inner.value;
    }
    nodes.push(node);
    pos = end;
  }
  return decoded(nodes);
}

/** A BER length at `pos`: its value and where the value starts. */
export function readBerLength(bytes: Uint8Array, pos: number): Result<{ length: number; next: number }> {
  if (pos >= bytes.length) return decodeError('length missing');
  const first = bytes[pos];
  if (first < 0x80) return decoded({ length: first, next: pos + 1 });
  const count = first & 0x7f;
  if (count === 0 || count > 2) return decodeError(`BER length form ${hexOf(first)} is not 81 or 82`);
  let length = 0;
  for (let i = 1; i <= count; i++) {
    if (pos + i >= bytes.length) return decodeError('length cut short');
    length = length * 256 + bytes[pos + i];
  }
  return decoded({ length, next: pos + 1 + count });
}

export function encodeBerLength(length: number): Buffer {
  if (!Number.isInteger(length) || length < 0 || length > 0xffff) throw new RangeError(`TLV length must be 0..65535, got ${length}`);
  if (length < 0x80) return Buffer.from([length]);
  if (length <= 0xff) return Buffer.from([0x81, length]);
  return Buffer.from([0x82, length >> 8, length & 0xff]);
}

export function encodeTlv(nodes: readonly TlvNode[]): Buffer {
  return Buffer.concat(
    nodes.map((n) => {
      const value = n.children ? encodeTlv(n.children) : n.value;
      return Buffer.concat([tagBytes(n.tag), encodeBerLength(value.length), value]);
    }),
  );
}

/** A node with a text value (tag 07 is a text line in ZVT containers). */
export function tlvText(tag: number, text: string): TlvNode {
  return { tag, value: Buffer.from(text, 'latin1') };
}

export function tlvContainer(tag: number, children: TlvNode[]): TlvNode {
  return { tag, value: encodeTlv(children), children };
}

/** Every value of `tag`, depth first, in order. */
export function findTlv(nodes: readonly TlvNode[] | undefined, tag: number): TlvNode[] {
  const out: TlvNode[] = [];
  for (const n of nodes ?? []) {
    if (n.tag === tag) out.push(n);
    if (n.children) out.push(...findTlv(n.children, tag));
  }
  return out;
}

/** The text lines (tag 07) of a container, as ecrterm's 'text_line' and EVerest's TextLines read them. */
export function tlvTextLines(nodes: readonly TlvNode[] | undefined): string[] {
  return findTlv(nodes, 0x07).map((n) => n.value.toString('latin1'));
}

function isConstructed(tag: number): boolean {
  let first = tag;
  while (first > 0xff) first = Math.floor(first / 256);
  return (first & 0x20) !== 0;
}

function tagBytes(tag: number): Buffer {
  if (!Number.isInteger(tag) || tag < 0 || tag > 0xffffffff) throw new RangeError(`TLV tag must be 1 to 4 bytes, got ${tag}`);
  const out: number[] = [];
  let t = tag;
  do {
    out.unshift(t & 0xff);
    t = Math.floor(t / 256);
  } while (t > 0);
  return Buffer.from(out);
}

function tagHex(tag: number): string {
  return tag.toString(16).toUpperCase().padStart(2, '0');
}

function hexOf(b: number): string {
  return b.toString(16).padStart(2, '0');
}
