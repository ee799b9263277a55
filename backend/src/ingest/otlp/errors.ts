/** A batch that breaks the OTLP schema; the whole batch is rejected with 400 and this message. */
export class OtlpValidationError extends Error {
  override readonly name: string = 'OtlpValidationError';

  constructor(
    readonly path: string,
    reason: string
  ) {
    super(path ? `${path}: ${reason}` : reason);
  }
}
