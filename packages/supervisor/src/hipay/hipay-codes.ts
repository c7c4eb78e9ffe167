/**
 * HiPay's documented error codes the connector acts on (hipay-gateway.md, "Limits and codes a client must
 * respect"; HiPay's error-code appendix AppendixF-DeclineReasonsAndErrorCodes and the developer portal's
 * "error messages" page). HiPay does not document which HTTP status carries each code, so the code decides.
 */

/** Configuration problems: retrying with the same config.txt cannot help. Only these make an order "refused". */
export const CONFIGURATION_CODES: Readonly<Record<number, string>> = {
  1000001: 'check HIPAY_LOGIN and HIPAY_PWD',
  1000005: 'these API credentials may not create orders: use the private API credentials of the HiPay back office',
  1000009: "HiPay refuses this machine's IP address: allow it in the HiPay back office",
  1010101: 'a parameter HiPay requires is missing: check HIPAY_MID, HIPAY_ACQUIRER_ID and HIPAY_HASHKEY',
  1010201: 'HiPay finds a parameter invalid: check HIPAY_MID, HIPAY_ACQUIRER_ID and HIPAY_HASHKEY',
};

/** Lookup of an order / transaction HiPay does not know: 3000001 "Unknown Order", 3000002 "Unknown Transaction". */
export const NOT_FOUND_CODES: readonly number[] = [3000001, 3000002];

/**
 * A second order with an orderid HiPay already has: 3010004 "Duplicate Order" (order already processed),
 * 3010006 "Order has already been completed", 3010003 "Max Attempts Exceeded". HiPay holds the order.
 */
export const ALREADY_HELD_CODES: readonly number[] = [3010003, 3010004, 3010006];
