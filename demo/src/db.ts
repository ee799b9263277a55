import { DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';

const tracer = trace.getTracer('osprey-demo-db');

/** First SQL keyword, upper-cased: the semconv `db.operation.name` of a single statement. */
export function operationOf(sql: string): string {
  const match = /^\s*([A-Za-z]+)/.exec(sql);
  return match ? match[1].toUpperCase() : 'QUERY';
}

/** Table a single-table statement acts on (FROM / INTO / UPDATE target), for the span name. */
export function collectionOf(sql: string): string | undefined {
  const match = /\b(?:from|into|update)\s+([A-Za-z_][A-Za-z0-9_]*)/i.exec(sql);
  return match?.[1];
}

export type Row = Record<string, unknown>;

/**
 * An embedded DuckDB file. The DuckDB Node client has no OpenTelemetry auto-instrumentation, so
 * every statement is wrapped by hand in a CLIENT span with the database semantic conventions —
 * what an instrumented driver would emit, and what makes Osprey count sqlCount/sqlTime.
 */
export class Database {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly namespace: string
  ) {}

  static async open(file: string, namespace: string): Promise<Database> {
    return new Database(await DuckDBInstance.create(file), namespace);
  }

  async query(sql: string, params: DuckDBValue[] = []): Promise<Row[]> {
    const operation = operationOf(sql);
    const collection = collectionOf(sql);
    return tracer.startActiveSpan(
      collection === undefined ? operation : `${operation} ${collection}`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'db.system.name': 'duckdb',
          'db.namespace': this.namespace,
          'db.query.text': sql,
          'db.operation.name': operation,
          ...(collection === undefined ? {} : { 'db.collection.name': collection }),
        },
      },
      async (span) => {
        // A connection per statement: DuckDB connections are cheap and not meant for concurrent use.
        const connection = await this.instance.connect();
        try {
          const reader = await connection.runAndReadAll(sql, params);
          return reader.getRowObjectsJS() as Row[];
        } catch (err) {
          const error = err instanceof Error ? err : new Error(String(err));
          span.recordException(error);
          span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
          throw error;
        } finally {
          connection.closeSync();
          span.end();
        }
      }
    );
  }

  /** Schema and seed statements, run once at start outside any request, untraced. */
  async setup(statements: string[]): Promise<void> {
    const connection = await this.instance.connect();
    try {
      for (const sql of statements) {
        await connection.run(sql);
      }
    } finally {
      connection.closeSync();
    }
  }

  close(): void {
    this.instance.closeSync();
  }
}
