/**
 * The BetterPrompts k6 load test: one of the product's profiles (env PROFILE: baseline,
 * normal, peak, spike, ramp-up, sustained or geo; default baseline) with the product's
 * traffic mix, judged by the SLA thresholds. The files in scenarios/ run one profile each
 * with the checks that profile is about (recovery after spikes, per-region limits).
 *
 *   k6 run -e BASE_URL=http://127.0.0.1:8080 -e ADMIN_KEY=... -e SCALE=0.05 -e VUS_SCALE=0.1 \
 *     e2e/phase8/k6/load-test-scenarios.k6.js
 *
 * Exit code 0 when every threshold holds, 99 when one fails (see README.md).
 */

import { commonOptions } from './utilities/config.js';
import { GEO_REGIONS, scenariosFor } from './utilities/profiles.js';
import { regionThresholds, slaThresholds } from './utilities/metric-validators.js';
import { iteration } from './utilities/virtual-user.js';

export { authSetup as setup } from './utilities/auth-setup.js';
export { handleSummary } from './utilities/summary.js';

const PROFILE = __ENV.PROFILE || 'baseline';

export const options = {
  ...commonOptions(),
  scenarios: scenariosFor(PROFILE),
  thresholds: {
    ...slaThresholds(),
    ...(PROFILE === 'geo' ? regionThresholds(GEO_REGIONS) : {}),
  },
  tags: { profile: PROFILE },
};

export default function (data) {
  iteration(data);
}
