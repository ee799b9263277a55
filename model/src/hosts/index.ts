export * from './snapshot';
export * from './compare';
export * from './api';
