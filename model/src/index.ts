export * from './transaction';
export * from './span';
export * from './api';
export * from './plugins';
export * from './jvm';
export * from './transaction-columns';
export * from './statistics';
