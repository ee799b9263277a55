export * from './threaddump';
export * from './histogram';
