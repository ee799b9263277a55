export * from './snapshot';
export * from './compare';
export * from './api';
export * from './tables';
