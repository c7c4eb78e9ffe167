/**
 * The customer as HiPay gets it. Customer data never blocks a payment (issue 10): a field HiPay would refuse
 * is left out of the HiPay order, with one warning line, as a mismatched basket is. The seed's guide spells
 * the names firstName / lastName, its example and the contract firstname / lastname: both are read.
 */
import type { Customer } from '../contract';
import { describeValue } from './describe-value';

export interface CustomerCheck {
  customer: Customer;
  /** Why some fields are not forwarded, one line for the log. */
  dropped?: string;
}

/** HiPay's customer e-mail: one address, name@domain.tld, no spaces or quoting (RFC 5321 length). */
const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;
export const EMAIL_MAX_LENGTH = 254;

function isEmail(value: string): boolean {
  return value.length <= EMAIL_MAX_LENGTH && EMAIL.test(value);
}

function firstGiven(sent: Record<string, unknown>, names: string[]): { name: string; value: unknown } | undefined {
  for (const name of names) if (sent[name] !== undefined && sent[name] !== null) return { name, value: sent[name] };
  return undefined;
}

export function customerForHipay(sent: Record<string, unknown>): CustomerCheck {
  const customer: Customer = {};
  const problems: string[] = [];
  const id = sent.id;
  if (typeof id === 'string') customer.id = id;
  else if (typeof id === 'number' && Number.isSafeInteger(id)) customer.id = String(id);
  else if (id !== undefined && id !== null) problems.push(`customer.id is not a string or an exact integer (${describeValue(id)})`);

  for (const [key, names] of [
    ['firstname', ['firstname', 'firstName']],
    ['lastname', ['lastname', 'lastName']],
  ] as const) {
    const given = firstGiven(sent, [...names]);
    if (!given) continue;
    if (typeof given.value === 'string') customer[key] = given.value;
    else problems.push(`customer.${given.name} is not a string (${describeValue(given.value)})`);
  }

  const email = sent.email;
  if (typeof email === 'string' && isEmail(email)) customer.email = email;
  else if (email !== undefined && email !== null) problems.push(`customer.email is not an e-mail address HiPay accepts (${describeValue(email)})`);

  return problems.length === 0 ? { customer } : { customer, dropped: `left out of the HiPay order: ${problems.join('; ')}` };
}
