/**
 * What a Concert answer's reference field (V2 private field, V3 `CF`) proves. Terminals do not all echo
 * what the cash register sent, so a reference that is not ours is not always someone else's answer:
 *
 * - missing, blank or all zeros: a real Telium answers the V2 private field with `0000000000` whatever the
 *   ECR sent (Ousret/pyTeliumManager README, real exchanges, and `telium/payment.py`);
 * - `1010000000`: akretion's Caisse-AP simulator, written against an Ingenico Desk/5000, overwrites `CF`
 *   with this constant on success whatever was sent (akretion/caisse-ap-ip `caisse_ap_ip_server.py`; the
 *   reference vectors in vectors/concert-v3.json show it).
 *
 * Such a value says nothing about which payment the answer belongs to ("no echo"). Any other value that is
 * not one of our references is foreign. Our own references never take one of these values.
 */

/** Constants terminals write into the reference field whatever was sent, with where each is documented. */
export const NO_ECHO_CONSTANTS: readonly { value: string; source: string }[] = [
  { value: '1010000000', source: 'akretion/caisse-ap-ip caisse_ap_ip_server.py (Desk/5000 behaviour): CF on success' },
];

/** The reference as compared: separators and padding a terminal adds are not part of it. */
export function normaliseReference(raw: string | undefined): string {
  return (raw ?? '').replace(/[^\x21-\x7e]/g, '');
}

/** True when the reference field carries no echo of what was sent: missing, blank, all zeros, or a known constant. */
export function isNoEchoReference(raw: string | undefined): boolean {
  const ref = normaliseReference(raw);
  return ref === '' || /^0+$/.test(ref) || NO_ECHO_CONSTANTS.some((c) => c.value === ref);
}
