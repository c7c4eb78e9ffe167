/**
 * Ajv errors -> one message per field, each naming the field and the rule in words a kiosk developer can act
 * on ("amount must be an integer number of minor units (e.g. 899 for 8.99 EUR), got 9.99").
 */
import { currencyByAlpha, minorToMajorString, type Currency } from '@ecr/common';
import type { ErrorObject } from './validator';
import { describeForTypeError, describeValue } from './describe-value';
import { MAX_AMOUNT, ORDER_ID_RULE } from './schemas';

export interface MessageContext {
  /** The currency of the request when it is valid, for the amount example; EUR otherwise. */
  currency: Currency;
}

type FieldRule = (errors: ErrorObject[], value: unknown, field: string, ctx: MessageContext) => string;

/** "basket[0].quantity" from "/basket/0/quantity", looking at the data to tell array indexes from keys. */
export function fieldName(instancePath: string, data: unknown, prefix = ''): string {
  let name = prefix;
  let node: unknown = data;
  for (const raw of instancePath.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    name += Array.isArray(node) ? `[${key}]` : name === '' ? key : `.${key}`;
    node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
  }
  return name;
}

function valueAt(instancePath: string, data: unknown): unknown {
  let node: unknown = data;
  for (const raw of instancePath.split('/').slice(1)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node;
}

const ARTICLE: Record<string, string> = { integer: 'an integer', object: 'an object', array: 'an array' };

/** ["boolean","number","string"] -> "a boolean, number or string" (null is never named: it means "not given"). */
export function typeWords(types: string | string[]): string {
  const list = (Array.isArray(types) ? types : [types]).filter((t) => t !== 'null');
  if (list.length === 0) return 'null';
  const names = list.map((t, i) => (i === 0 ? (ARTICLE[t] ?? `a ${t}`) : t));
  if (names.length === 1) return names[0];
  return `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

function genericMessage(error: ErrorObject, value: unknown, field: string): string {
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `${field} is required`;
    case 'type':
      return `${field} must be ${typeWords(p.type as string | string[])}, got ${describeForTypeError(value)}`;
    case 'minimum':
      return `${field} must be at least ${String(p.limit)}, got ${describeValue(value)}`;
    case 'maximum':
      return `${field} must be at most ${String(p.limit)}, got ${describeValue(value)}`;
    case 'minLength':
      return p.limit === 1 ? `${field} must not be empty` : `${field} must be at least ${String(p.limit)} characters long`;
    case 'maxLength':
      return `${field} must be at most ${String(p.limit)} characters long, got ${String((value as string).length)}`;
    case 'enum': {
      const allowed = (p.allowedValues as unknown[]).filter((v) => v !== null);
      const list = allowed.length <= 10 ? `one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}` : 'an allowed value';
      return `${field} must be ${list}, got ${describeValue(value)}`;
    }
    default:
      return `${field} ${error.message ?? 'is not valid'}, got ${describeValue(value)}`;
  }
}

const has = (errors: ErrorObject[], keyword: string): ErrorObject | undefined => errors.find((e) => e.keyword === keyword);

const FIELD_RULES: Record<string, FieldRule> = {
  amount(errors, value, field, { currency }) {
    if (has(errors, 'required')) return `${field} is required`;
    if (has(errors, 'type')) {
      const example = `e.g. 899 for ${minorToMajorString(899, currency.exponent)} ${currency.alpha}`;
      return `${field} must be an integer number of minor units (${example}), got ${describeForTypeError(value)}`;
    }
    if (has(errors, 'minimum')) return `${field} must be greater than 0, got ${describeValue(value)}`;
    if (has(errors, 'maximum')) return `${field} must be at most ${MAX_AMOUNT} minor units (8 digits, the terminal's limit), got ${describeValue(value)}`;
    return genericMessage(errors[0], value, field);
  },
  orderId(errors, value, field) {
    if (has(errors, 'type')) return `${field} must be a string, got ${describeForTypeError(value)}`;
    if (has(errors, 'minLength')) return `${field} must not be empty (leave it out to have one generated)`;
    if (has(errors, 'maxLength')) return `${field} must be ${ORDER_ID_RULE}, got ${String((value as string).length)} characters`;
    return `${field} must be ${ORDER_ID_RULE}, got ${describeValue(value)}`;
  },
  currency(_errors, value, field) {
    if (typeof value !== 'string') return `${field} must be an ISO 4217 alphabetic code such as "EUR", got ${describeForTypeError(value)}`;
    const upper = value.toUpperCase();
    if (upper !== value && currencyByAlpha(upper) !== undefined) {
      return `${field} must be an ISO 4217 alphabetic code in upper case ("${upper}"), got ${describeValue(value)}`;
    }
    return `${field} must be an ISO 4217 alphabetic code known to the connector (e.g. "EUR"), got ${describeValue(value)}`;
  },
  basket(_errors, value, field) {
    return `${field} must be an object or an array of items, got ${describeValue(value)}`;
  },
  customer(_errors, value, field) {
    return `${field} must be an object, got ${describeValue(value)}`;
  },
  customData(_errors, value, field) {
    return `${field} must be an object, got ${describeValue(value)}`;
  },
  'customer.id'(errors, value, field) {
    if (has(errors, 'type')) return `${field} must be a string or an integer, got ${describeForTypeError(value)}`;
    return `${field} is too large for an exact JSON number; send it as a string`;
  },
  'customer.email'(errors, value, field) {
    if (has(errors, 'type')) return `${field} must be a string, got ${describeForTypeError(value)}`;
    if (has(errors, 'maxLength')) return `${field} must be at most 254 characters long`;
    return `${field} must look like an e-mail address (name@domain, no spaces), got ${describeValue(value)}`;
  },
};

/**
 * One message per wrong field, in the order Ajv reported them. `prefix` names the root ("basket" when an item
 * is validated on its own).
 */
export function formatErrors(errors: ErrorObject[], data: unknown, ctx: MessageContext, prefix = ''): string[] {
  const byField = new Map<string, { errors: ErrorObject[]; path: string }>();
  for (const error of errors) {
    let path = error.instancePath;
    if (error.keyword === 'required') path += `/${String((error.params as { missingProperty: string }).missingProperty).replace(/~/g, '~0').replace(/\//g, '~1')}`;
    const field = fieldName(path, data, prefix) || 'the body';
    const entry = byField.get(field) ?? { errors: [], path };
    entry.errors.push(error);
    byField.set(field, entry);
  }
  const messages: string[] = [];
  for (const [field, { errors: fieldErrors, path }] of byField) {
    const value = valueAt(path, data);
    const rule = prefix === '' ? FIELD_RULES[field] : undefined;
    messages.push(rule ? rule(fieldErrors, value, field, ctx) : genericMessage(pickMain(fieldErrors), value, field));
  }
  return messages;
}

/** The error that explains most: a missing or wrongly typed value before its finer rules. */
function pickMain(errors: ErrorObject[]): ErrorObject {
  return has(errors, 'required') ?? has(errors, 'type') ?? errors.find((e) => e.keyword !== 'anyOf') ?? errors[0];
}
