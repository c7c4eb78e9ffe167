/**
 * A ConnectorService with some methods replaced and every other member (present or future) passed to the
 * original, bound to it: the observability wrappers stay out of the core's way.
 */
import type { ConnectorService } from '../service';

export function decorateService<S extends ConnectorService>(service: S, overrides: Partial<ConnectorService>): S {
  return new Proxy(service, {
    get(target, prop) {
      if (Object.hasOwn(overrides, prop)) return overrides[prop as keyof ConnectorService];
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
