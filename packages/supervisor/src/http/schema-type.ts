/**
 * The TypeScript type a JSON Schema describes, worked out by the compiler from the schema literal (`as const`),
 * so the local API's types come from the schemas that validate requests and describe answers instead of being
 * written a second time beside them (issue 11 item 6).
 *
 * It reads the keywords schemas.ts uses: `$ref` to a component, `const`, `enum`, `anyOf`, `type` (one name or
 * a list), `items`, `properties` with `required`, and `additionalProperties`; a schema with none of them (say,
 * only a description) is `unknown`. About forty lines, so no dependency (json-schema-to-ts) for it.
 */

/** Flattens an intersection of mapped types into one object type, for readable hovers and messages. */
type Flat<T> = { [K in keyof T]: T[K] } & {};

type RefTarget<S, Defs> = S extends { readonly $ref: `#/components/schemas/${infer Name}` }
  ? Name extends keyof Defs
    ? SchemaType<Defs[Name], Defs>
    : never
  : never;

type Properties<S> = S extends { readonly properties: infer P } ? P : Record<never, never>;
type RequiredKeys<S> = S extends { readonly required: readonly (infer K)[] } ? K : never;

/**
 * additionalProperties: a schema types every other key; true lets any through; false or absent adds nothing
 * (`unknown` is the neutral member of an intersection).
 */
type OtherKeys<S, Defs> = S extends { readonly additionalProperties: infer A }
  ? A extends false
    ? unknown
    : A extends true
      ? { [key: string]: unknown }
      : { [key: string]: SchemaType<A, Defs> }
  : unknown;

type ObjectType<S, Defs, P = Properties<S>, R = RequiredKeys<S>> = Flat<
  { -readonly [K in keyof P as K extends R ? K : never]: SchemaType<P[K], Defs> } & {
    -readonly [K in keyof P as K extends R ? never : K]?: SchemaType<P[K], Defs>;
  } & OtherKeys<S, Defs>
>;

/** One JSON type name; distributes over a union of names (`type: ['string', 'null']`). */
type NamedType<Name, S, Defs> = Name extends 'string'
  ? string
  : Name extends 'integer' | 'number'
    ? number
    : Name extends 'boolean'
      ? boolean
      : Name extends 'null'
        ? null
        : Name extends 'array'
          ? S extends { readonly items: infer I }
            ? SchemaType<I, Defs>[]
            : unknown[]
          : Name extends 'object'
            ? ObjectType<S, Defs>
            : never;

/** The type of the values `S` accepts; `Defs` holds the components its `$ref`s name. */
export type SchemaType<S, Defs> = S extends { readonly $ref: string }
  ? RefTarget<S, Defs>
  : S extends { readonly const: infer C }
    ? C
    : S extends { readonly enum: readonly (infer E)[] }
      ? E
      : S extends { readonly anyOf: readonly (infer Branch)[] }
        ? SchemaType<Branch, Defs>
        : S extends { readonly type: infer T }
          ? NamedType<T extends readonly (infer Name)[] ? Name : T, S, Defs>
          : unknown;
