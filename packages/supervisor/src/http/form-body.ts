/**
 * A application/x-www-form-urlencoded order, as express.urlencoded({ extended: true }) parsed it, brought to the
 * shape of a JSON order: every value there is a string, so the few numeric fields are read back as numbers, and
 * basket/customer/customData may hold a JSON text instead of bracket nesting. JSON bodies never pass here.
 */
import { HttpError } from './errors';

const OPTIONAL_FIELDS = ['orderId', 'currency', 'basket', 'customer', 'customData'];
const JSON_TEXT_FIELDS = ['basket', 'customer', 'customData'];
const DECIMAL_ITEM_FIELDS = ['unit_price', 'tax_rate', 'discount', 'total_amount'];

/** "100" -> 100; anything else is left for the validator to refuse with its own message. */
function digitsToInteger(value: unknown): unknown {
  if (typeof value !== 'string' || !/^\d+$/.test(value)) return value;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : value;
}

function decimalToNumber(value: unknown): unknown {
  return typeof value === 'string' && /^-?\d{1,15}(\.\d{1,15})?$/.test(value) ? Number(value) : value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function normalizeItem(item: unknown): unknown {
  if (!isRecord(item)) return item;
  const out = { ...item };
  if ('quantity' in out) out.quantity = digitsToInteger(out.quantity);
  for (const key of DECIMAL_ITEM_FIELDS) if (key in out) out[key] = decimalToNumber(out[key]);
  return out;
}

export function normalizeFormBody(form: Record<string, unknown>): Record<string, unknown> {
  const jsonLike = Object.keys(form).find((key) => /^\s*[{[]/.test(key));
  if (jsonLike !== undefined) {
    throw new HttpError(400, 'the body looks like JSON but was sent as application/x-www-form-urlencoded; send it with Content-Type: application/json');
  }
  const body = { ...form };
  // An empty form field means "not given".
  for (const key of OPTIONAL_FIELDS) if (body[key] === '') delete body[key];
  if ('amount' in body) body.amount = digitsToInteger(body.amount);
  for (const key of JSON_TEXT_FIELDS) {
    const text = body[key];
    if (typeof text !== 'string' || !/^\s*[{[]/.test(text)) continue;
    try {
      body[key] = JSON.parse(text) as unknown;
    } catch (err) {
      throw new HttpError(400, `${key} holds malformed JSON: ${(err as Error).message}`);
    }
  }
  if (Array.isArray(body.basket)) body.basket = body.basket.map(normalizeItem);
  else body.basket = normalizeItem(body.basket);
  if (body.basket === undefined) delete body.basket;
  return body;
}
