/** The preview page's entry: the plugin host, then the dashboard preview on it. */
// First: @grafana/runtime reads Grafana's boot data when it loads.
import '../web/boot-data';

import { createRoot } from 'react-dom/client';

import { Preview } from './Preview';

const container = document.getElementById('preview');
if (!container) {
  throw new Error('the preview page has no #preview element');
}
createRoot(container).render(<Preview />);
