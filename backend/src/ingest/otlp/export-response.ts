/**
 * OTLP/HTTP success body. `partialSuccess` is empty when everything was stored; otherwise it names
 * what was not (OTLP: the sender must not retry those, and should log the message).
 */
export interface OtlpExportResponse {
  partialSuccess: {
    rejectedSpans?: number;
    rejectedDataPoints?: number;
    rejectedLogRecords?: number;
    errorMessage?: string;
  };
}
