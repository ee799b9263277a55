/** The endpoint label given to every endpoint of a service past the cap. */
export const OTHER_ENDPOINT = '__other__';

export const DEFAULT_MAX_ENDPOINTS = 500;

/**
 * Caps the endpoint label per service, first come first kept: an app that puts ids in its span
 * names (`GET /users/8812`) would otherwise make one series per request in Prometheus and InfluxDB.
 * The endpoints past the cap share one `__other__` series, so totals per service stay exact.
 */
export class EndpointCap {
  private readonly seen = new Map<string, Set<string>>();

  constructor(private readonly maxPerService: number) {
    if (!Number.isSafeInteger(maxPerService) || maxPerService < 1) {
      throw new RangeError(`endpoint cap must be a positive integer, got ${maxPerService}`);
    }
  }

  label(service: string, endpoint: string): string {
    let endpoints = this.seen.get(service);
    if (endpoints === undefined) {
      endpoints = new Set();
      this.seen.set(service, endpoints);
    }
    if (endpoints.has(endpoint)) {
      return endpoint;
    }
    if (endpoints.size >= this.maxPerService) {
      return OTHER_ENDPOINT;
    }
    endpoints.add(endpoint);
    return endpoint;
  }
}
