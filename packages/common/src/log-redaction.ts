/**
 * What must never reach a log: full card numbers, the configured passwords, Basic auth credentials, and
 * values under keys that name a secret. Applied to the message and, deeply, to every meta value; the
 * caller's objects are copied, never changed.
 */
import { luhnValid, maskPan, maskPansInText } from '@ecr/protocol';

export const REDACTED = '***';

/** Keys whose value is a secret whatever it looks like. */
const SECRET_KEY = /password|passwd|pwd|hash_?key|authorization|secret|^pass$/i;

/** `Authorization: Basic xxx`, `"authorization":"Bearer xxx"`, `authorization=xxx` (header dumps, JSON, forms). */
const AUTHORIZATION = /(authorization["']?\s*[:=]\s*["']?)(?:(basic|bearer|digest)\s+)?[^\s"',;}]+/gi;

/** `Basic <base64>` outside a header line: masked when it decodes to login:password. */
const BASIC_TOKEN = /\b(Basic\s+)([A-Za-z0-9+/]{4,}={0,2})(?![A-Za-z0-9+/=])/g;

/** `pwd=xxx`, `"HIPAY_PWD": "xxx"`, `hashkey: xxx` inside a text. */
const SECRET_ASSIGNMENT =
  /\b([\w.-]*(?:password|passwd|pwd|hash_?key|secret)[\w.-]*)(["']?\s*[=:]\s*["']?)([^\s"'&,;}]+)/gi;

/** Card numbers printed in groups: 4-4-4-4(-3) or Amex's 4-6-5, spaces or dashes. */
const GROUPED_PAN = /(?<!\d)(?:\d{4}([ -])\d{4}\1\d{4}\1\d{1,7}|\d{4}([ -])\d{6}\2\d{5})(?!\d)/g;

const MAX_DEPTH = 10;

export interface Redactor {
  text(text: string): string;
  /** A redacted copy of any value; `key` is the property name it was found under. */
  value(value: unknown, key?: string): unknown;
}

export function createRedactor(secrets: readonly string[] = []): Redactor {
  const secretPattern = secretsPattern(secrets);

  const text = (input: string): string => {
    let out = secretPattern ? input.replace(secretPattern, REDACTED) : input;
    out = out.replace(AUTHORIZATION, (_m, head: string, scheme: string | undefined) =>
      scheme ? `${head}${scheme} ${REDACTED}` : `${head}${REDACTED}`,
    );
    out = out.replace(BASIC_TOKEN, (m, head: string, token: string) =>
      Buffer.from(token, 'base64').toString('latin1').includes(':') ? `${head}${REDACTED}` : m,
    );
    out = out.replace(SECRET_ASSIGNMENT, (_m, name: string, sep: string) => `${name}${sep}${REDACTED}`);
    out = maskPansInText(out);
    return out.replace(GROUPED_PAN, (m) => {
      const digits = m.replace(/[ -]/g, '');
      return digits.length >= 13 && digits.length <= 19 && luhnValid(digits) ? maskPan(digits) : m;
    });
  };

  const value = (input: unknown, key?: string, ancestors: Set<object> = new Set(), depth = 0): unknown => {
    if (key !== undefined && SECRET_KEY.test(key) && input !== undefined && input !== null && input !== '') {
      return REDACTED;
    }
    switch (typeof input) {
      case 'string':
        return text(input);
      case 'number':
        // A card number stored as a number (a safe integer of 13 to 16 digits).
        return Number.isSafeInteger(input) && input >= 1e12 && luhnValid(String(input)) ? maskPan(String(input)) : input;
      case 'bigint':
        return text(input.toString());
      case 'function':
        return undefined;
      case 'symbol':
        return input.toString();
      case 'object':
        break;
      default:
        return input;
    }
    if (input === null) return null;
    if (ancestors.has(input)) return '[Circular]';
    if (depth >= MAX_DEPTH) return '[Too deep]';
    ancestors.add(input);
    try {
      if (Array.isArray(input)) return input.map((item) => value(item, undefined, ancestors, depth + 1));
      if (input instanceof Error) {
        const copy: Record<string, unknown> = { name: input.name, message: text(input.message) };
        if (input.stack) copy.stack = text(input.stack);
        return Object.assign(copy, copyEntries(input, ancestors, depth));
      }
      const withJson = input as { toJSON?: () => unknown };
      if (typeof withJson.toJSON === 'function') return value(withJson.toJSON(), undefined, ancestors, depth + 1);
      if (input instanceof Map) return value(Object.fromEntries(input), undefined, ancestors, depth + 1);
      if (input instanceof Set) return value([...input], undefined, ancestors, depth + 1);
      return copyEntries(input, ancestors, depth);
    } finally {
      ancestors.delete(input);
    }
  };

  const copyEntries = (input: object, ancestors: Set<object>, depth: number): Record<string, unknown> => {
    const copy: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(input)) {
      const redacted = value(v, k, ancestors, depth + 1);
      if (redacted !== undefined) copy[k] = redacted;
    }
    return copy;
  };

  return { text, value: (input, key) => value(input, key) };
}

const MIN_MASKED_SECRET = 4;

/** One pattern for all secrets, longest first so a secret containing another is masked whole. */
function secretsPattern(secrets: readonly string[]): RegExp | undefined {
  // Also as a URL-encoded form body or a JSON string would carry them. A secret of 1 to 3 characters would
  // mask those letters in every word of every line: it stays masked under secret-named keys only.
  const forms = secrets.filter((s) => s.length >= MIN_MASKED_SECRET).flatMap((s) => [s, encodeURIComponent(s), JSON.stringify(s).slice(1, -1)]);
  const unique = [...new Set(forms)].sort((a, b) => b.length - a.length);
  if (unique.length === 0) return undefined;
  return new RegExp(unique.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
}
