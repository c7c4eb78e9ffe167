/**
 * HiPay's error answers: HTTP 4xx/5xx with a JSON body {code, message, description}. The codes and messages
 * are the ones HiPay documents; the descriptions are the sandbox's own words.
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
  /** The sandbox's choice for an unknown order on GET /rest/v1/transaction (see README). */
  transactionNotFound: 3000001,
} as const;

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

export function orderAlreadyExists(orderid: string): HipayErrorAnswer {
  return {
    httpStatus: 400,
    body: {
      code: HipayErrorCode.invalidParameter,
      message: 'Order already exists',
      description: `An order with orderid '${orderid}' already exists.`,
    },
  };
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

export function transactionNotFound(orderid: string): HipayErrorAnswer {
  return {
    httpStatus: 404,
    body: {
      code: HipayErrorCode.transactionNotFound,
      message: 'Transaction Not Found',
      description: `No transaction found for orderid '${orderid}'.`,
    },
  };
}
