/**
 * When a Concert V3 answer read from a raw TCP stream is whole, judged from the message itself so that no
 * fixed silence is waited on every payment. Terminals echo the request's tags (the reference exchanges with
 * akretion/caisse-ap-ip, vectors/concert-v3.json, echo every one) and add AE; an approval asked with a
 * ticket (CK) carries the ticket container ZT (HiPay's "Local API for Nepting"). A message that does not
 * meet this is not refused: the deframer gives it after a short silence.
 */
import type { TlvField } from './tlv';

/** Tags of the request the answer must carry. CK is left out: HiPay's terminals answer it inside ZT. */
export function v3AnswerIsComplete(fields: readonly TlvField[], request?: readonly TlvField[]): boolean {
  const tags = new Set(fields.map((f) => f.tag));
  const ae = fields.find((f) => f.tag === 'AE')?.value;
  if (ae === undefined || request === undefined) return false;
  for (const f of request) if (f.tag !== 'CK' && !tags.has(f.tag)) return false;
  const ticketAsked = request.some((f) => f.tag === 'CK');
  if (ae === '10' && ticketAsked && !tags.has('ZT')) return false;
  return true;
}
