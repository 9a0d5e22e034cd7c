/**
 * A typed dependency-injection token. It is a plain `Symbol.for` symbol, so any
 * container (inversify in our entrypoints, or none at all) can use it, while the
 * phantom type lets a composition root resolve it without casts.
 */
export type Token<T> = symbol & { readonly __service?: T };

export function token<T>(name: string): Token<T> {
  return Symbol.for(`orderflow.${name}`) as Token<T>;
}
