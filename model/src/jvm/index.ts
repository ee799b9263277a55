export * from './threaddump';
export * from './histogram';
export * from './api';
