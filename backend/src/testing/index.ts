/**
 * `@osprey/backend/testing`: helpers for tests and benches (a synthetic transaction workload, a
 * real ClickHouse server on a free port), kept out of the production entry `@osprey/backend`.
 */
export { generateTransactions, seededRandom, webTransaction } from './generate';
export { startClickHouseServer } from './clickhouse-server';
export { spanRow } from '../store/clickhouse/rows';
export { createStatements, TABLES } from '../store/clickhouse/schema';
