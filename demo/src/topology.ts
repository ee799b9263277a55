/** The shop's services in start order: each one's downstream services come before it. */
export const SERVICE_NAMES = ['payments', 'catalog', 'checkout', 'shop-frontend'] as const;

export type ServiceName = (typeof SERVICE_NAMES)[number];

export function isServiceName(name: string | undefined): name is ServiceName {
  return SERVICE_NAMES.some((n) => n === name);
}

/** Product ids 1..PRODUCT_COUNT exist in the catalogue; the load generator also asks for a few that don't. */
export const PRODUCT_COUNT = 50;
