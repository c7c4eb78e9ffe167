/** How a value a client sent is quoted in an error message: short, one line, never the whole thing. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
    case 'number':
    case 'boolean':
      return String(value);
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

/** In a type error, a string is named as such so that "100" and 100 read differently. */
export function describeForTypeError(value: unknown): string {
  return typeof value === 'string' ? `the string ${describeValue(value)}` : describeValue(value);
}
