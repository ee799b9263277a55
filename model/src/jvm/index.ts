export * from './threaddump';
export * from './histogram';
export * from './api';
export * from './frames';
