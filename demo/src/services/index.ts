import type { ServiceName } from '../topology';
import { catalog } from './catalog';
import { checkout } from './checkout';
import { frontend } from './frontend';
import { payments } from './payments';
import type { ServiceEnv, ServiceInstance } from './types';

export const SERVICES: Record<ServiceName, (env: ServiceEnv) => ServiceInstance | Promise<ServiceInstance>> = {
  'shop-frontend': frontend,
  catalog,
  checkout,
  payments,
};
