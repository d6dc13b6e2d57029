/**
 * Geo-distributed: three regions at once (us-east, eu-west, ap-south), 100 users each, each
 * scenario sending its region in `X-Region` and tagging its samples `region`. The SLA holds
 * over all traffic, and each region has its own limits: p95 < 200 / 250 / 300 ms (farther
 * regions pay the round trip) and errors < 0.1 %.
 */

import { commonOptions } from '../utilities/config.js';
import { GEO_REGIONS, scenariosFor } from '../utilities/profiles.js';
import { regionThresholds, slaThresholds } from '../utilities/metric-validators.js';
import { iteration } from '../utilities/virtual-user.js';

export { authSetup as setup } from '../utilities/auth-setup.js';
export { handleSummary } from '../utilities/summary.js';

export const options = {
  ...commonOptions(),
  scenarios: scenariosFor('geo'),
  thresholds: { ...slaThresholds(), ...regionThresholds(GEO_REGIONS) },
  tags: { profile: 'geo' },
};

export default function (data) {
  iteration(data);
}
