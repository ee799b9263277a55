/** Builds the e2e host page (host.tsx on the host/ package) into test-output/e2e-host/. */
import path from 'node:path';

import { bundleHostPage, type HostBundle, REPO_ROOT } from '@osprey/host';

export { REPO_ROOT };
export const HOST_OUT_DIR = path.join(REPO_ROOT, 'test-output', 'e2e-host');

export function buildHost(): Promise<HostBundle> {
  return bundleHostPage(path.join(__dirname, 'host.tsx'), path.join(__dirname, 'index.html'), HOST_OUT_DIR);
}

if (require.main === module) {
  buildHost().then(
    (result) => console.log(JSON.stringify(result)),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    }
  );
}
