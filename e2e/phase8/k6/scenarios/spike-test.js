/**
 * Spike: 100 users; three times a jump to 1000 within 10 s, held 2 minutes, then back to 100
 * for 3 minutes. Besides the SLA over the whole run, the calm minutes after each spike
 * (`phase:recovery`) must be within the SLA on their own: the service has to recover, not
 * just average its bad minutes away.
 */

import exec from 'k6/execution';
import { commonOptions } from '../utilities/config.js';
import { scenariosFor, spikePhaseAt } from '../utilities/profiles.js';
import { slaThresholds, subsetThresholds } from '../utilities/metric-validators.js';
import { iteration } from '../utilities/virtual-user.js';

export { authSetup as setup } from '../utilities/auth-setup.js';
export { handleSummary } from '../utilities/summary.js';

export const options = {
  ...commonOptions(),
  scenarios: scenariosFor('spike'),
  thresholds: { ...slaThresholds(), ...subsetThresholds('phase', 'recovery') },
  tags: { profile: 'spike' },
};

export default function (data) {
  iteration(data, { phase: spikePhaseAt(Date.now() - exec.scenario.startTime) });
}
