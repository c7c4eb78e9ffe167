/** Real HTTP calls to the sandbox, as a HiPay client makes them. */
export const LOGIN = '94654727.stage-secure-gateway.hipay-tpp.com';
export const PASSWORD = 'Test_s3cret';

export function basic(login: string, password: string): string {
  return `Basic ${Buffer.from(`${login}:${password}`).toString('base64')}`;
}

export interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: JSON under test; any keeps the assertions short
  body: any;
  text: string;
}

async function answer(res: Response): Promise<Answer> {
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, body, text };
}

export async function postOrder(base: string, fields: Record<string, string>, auth = basic(LOGIN, PASSWORD)): Promise<Answer> {
  const res = await fetch(`${base}/rest/v1/order`, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  return answer(res);
}

export async function lookup(base: string, orderid: string, auth = basic(LOGIN, PASSWORD)): Promise<Answer> {
  const res = await fetch(`${base}/rest/v1/transaction?orderid=${encodeURIComponent(orderid)}`, { headers: { authorization: auth } });
  return answer(res);
}

export async function admin(base: string, method: 'GET' | 'POST', path: string, json?: unknown): Promise<Answer> {
  const res = await fetch(`${base}/_sandbox/${path}`, {
    method,
    headers: json === undefined ? {} : { 'content-type': 'application/json' },
    body: json === undefined ? undefined : typeof json === 'string' ? json : JSON.stringify(json),
  });
  return answer(res);
}

/** A valid passive tpe order. */
export function tpeOrder(orderid: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    orderid,
    description: `Kiosk order ${orderid}`,
    amount: '8.99',
    currency: 'EUR',
    eci: '10',
    payment_product: 'tpe',
    initialize_payment_terminal: '0',
    operation: 'Sale',
    payment_product_parameters: JSON.stringify({ hash: 'not-checked-without-a-hash-key', code: '200100', mid: '1234567', acquirer_registrationid: '42' }),
    ...extra,
  };
}
