/**
 * A store method this store does not implement yet: the route answers 501 naming it, never an
 * empty or made-up answer that would look like "no data".
 */
export class NotSupportedError extends Error {
  override readonly name: string = 'NotSupportedError';

  constructor(
    readonly store: string,
    readonly feature: string
  ) {
    super(`${feature} is not supported by the ${store} store yet`);
  }
}
