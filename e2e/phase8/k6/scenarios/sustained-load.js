/**
 * Sustained load: 500 users for 30 minutes after a 1-minute ramp. The SLA must hold over the
 * whole run and, separately, over its second half (`half:late`): a service that degrades as
 * history grows, caches churn or memory leaks shows there first.
 */

import exec from 'k6/execution';
import { commonOptions, config } from '../utilities/config.js';
import { PROFILES, scenariosFor, totalSeconds } from '../utilities/profiles.js';
import { slaThresholds, subsetThresholds } from '../utilities/metric-validators.js';
import { iteration } from '../utilities/virtual-user.js';

export { authSetup as setup } from '../utilities/auth-setup.js';
export { handleSummary } from '../utilities/summary.js';

const HALF_MS = (totalSeconds(PROFILES.sustained) * 1000 * config.scale) / 2;

export const options = {
  ...commonOptions(),
  scenarios: scenariosFor('sustained'),
  thresholds: { ...slaThresholds(), ...subsetThresholds('half', 'late') },
  tags: { profile: 'sustained' },
};

export default function (data) {
  const half = Date.now() - exec.scenario.startTime < HALF_MS ? 'early' : 'late';
  iteration(data, { half });
}
