export { ActiveRequestsProcessor, type ActiveRequestsOptions } from './processor';
