/**
 * HiPay's error answers: a JSON body {code, message, description}. Every code and message is one HiPay
 * documents (README.md, "Where each answer comes from"): the error-code appendix of HiPay's Order API docs
 * (hipay/hipay-docs, AppendixF-DeclineReasonsAndErrorCodes) and the developer portal's "error messages"
 * page. HiPay does not document the HTTP status of most of them: the statuses are the sandbox's choice, and a
 * client must classify by the code (README.md).
 */
export interface HipayErrorBody {
  code: number;
  message: string;
  description: string;
}

export const HipayErrorCode = {
  incorrectCredentials: 1000001,
  insufficientPermissions: 1000005,
  temporarilyUnavailable: 1000008,
  ipRestriction: 1000009,
  requiredParameterMissing: 1010101,
  invalidParameter: 1010201,
  unknownOrder: 3000001,
  unknownTransaction: 3000002,
  maxAttemptsExceeded: 3010003,
  duplicateOrder: 3010004,
  orderAlreadyCompleted: 3010006,
} as const;

/** The codes HiPay answers to a second order with a known orderid. */
export type DuplicateCode = typeof HipayErrorCode.duplicateOrder | typeof HipayErrorCode.orderAlreadyCompleted | typeof HipayErrorCode.maxAttemptsExceeded;
export const DUPLICATE_CODES: readonly DuplicateCode[] = [HipayErrorCode.duplicateOrder, HipayErrorCode.orderAlreadyCompleted, HipayErrorCode.maxAttemptsExceeded];

/** An error answer: the HTTP status and HiPay's body. */
export interface HipayErrorAnswer {
  httpStatus: number;
  body: HipayErrorBody;
}

export function incorrectCredentials(): HipayErrorAnswer {
  return {
    httpStatus: 401,
    body: {
      code: HipayErrorCode.incorrectCredentials,
      message: 'Incorrect Credentials',
      description: 'The username and/or password is incorrect. Check your API credentials.',
    },
  };
}

export function requiredParameterMissing(field: string): HipayErrorAnswer {
  return {
    httpStatus: 400,
    body: {
      code: HipayErrorCode.requiredParameterMissing,
      message: 'Required Parameter Missing',
      description: `The parameter '${field}' is required.`,
    },
  };
}

export function invalidParameter(description: string): HipayErrorAnswer {
  return { httpStatus: 400, body: { code: HipayErrorCode.invalidParameter, message: 'Invalid Parameter', description } };
}

const DUPLICATE_TEXTS: Record<DuplicateCode, { message: string; description: string }> = {
  3010004: { message: 'Duplicate Order', description: 'Order was already processed.' },
  3010006: { message: 'Order Already Completed', description: 'Order has already been completed.' },
  3010003: { message: 'Max Attempts Exceeded', description: 'Max Attempts Exceeded.' },
};

/** A second order with an orderid already stored. */
export function duplicateOrder(code: DuplicateCode): HipayErrorAnswer {
  return { httpStatus: 400, body: { code, ...DUPLICATE_TEXTS[code] } };
}

export function temporarilyUnavailable(): HipayErrorAnswer {
  return {
    httpStatus: 503,
    body: {
      code: HipayErrorCode.temporarilyUnavailable,
      message: 'Temporarily Unavailable',
      description: 'The service is temporarily unavailable. Please try again later.',
    },
  };
}

/** A lookup of an orderid the sandbox does not (yet) show: 3000001 "Unknown Order", carried by 404 or 400. */
export function unknownOrder(orderid: string, httpStatus: 400 | 404): HipayErrorAnswer {
  return {
    httpStatus,
    body: { code: HipayErrorCode.unknownOrder, message: 'Unknown Order', description: `Order '${orderid}' is unknown.` },
  };
}
