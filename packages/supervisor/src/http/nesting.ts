/** Bounds the nesting of a parsed body: a deeply nested echo would overflow JSON.stringify when answering. */
export const MAX_NESTING = 32;

/**
 * The top-level field under which `body` nests objects/arrays deeper than `max` levels ("the body" when the
 * body itself does), or undefined. Iterative, so a hostile body cannot overflow the stack here either.
 */
export function tooDeepAt(body: unknown, max = MAX_NESTING): string | undefined {
  const stack: { node: unknown; depth: number; field: string }[] = [{ node: body, depth: 0, field: '' }];
  while (stack.length > 0) {
    const { node, depth, field } = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth >= max) return field || 'the body';
    for (const [key, child] of Object.entries(node)) {
      stack.push({ node: child, depth: depth + 1, field: field || (Array.isArray(body) ? '' : key) });
    }
  }
  return undefined;
}
