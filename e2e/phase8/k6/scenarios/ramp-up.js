/**
 * Ramp-up: 0 -> 100 users (2 min) -> 500 (3 min) -> 1000 (3 min), hold 5 min, down to 0
 * (2 min); the SLA must hold at every level. Each sample is tagged with the user target of
 * the stage it falls in (`level`; the ramp towards a target counts as that level), and each
 * level has its own thresholds, so the summary shows the level where latency starts to grow.
 */

import exec from 'k6/execution';
import { commonOptions, config } from '../utilities/config.js';
import { PROFILES, scenariosFor } from '../utilities/profiles.js';
import { slaThresholds, subsetThresholds } from '../utilities/metric-validators.js';
import { iteration } from '../utilities/virtual-user.js';

export { authSetup as setup } from '../utilities/auth-setup.js';
export { handleSummary } from '../utilities/summary.js';

const STAGES = PROFILES['ramp-up'];

// The SLA per level too: an average over the whole ramp would hide the level it breaks at.
const levelThresholds = {};
for (const target of new Set(STAGES.map((s) => s.target).filter((t) => t > 0))) {
  Object.assign(levelThresholds, subsetThresholds('level', String(target)));
}

export const options = {
  ...commonOptions(),
  scenarios: scenariosFor('ramp-up'),
  thresholds: { ...slaThresholds(), ...levelThresholds },
  tags: { profile: 'ramp-up' },
};

/** The full-profile user target of the stage running `elapsedMs` into the scenario. */
function levelAt(elapsedMs) {
  let endS = 0;
  const s = elapsedMs / 1000 / config.scale;
  for (const stage of STAGES) {
    endS += stage.duration;
    if (s < endS) return String(stage.target);
  }
  return '0';
}

export default function (data) {
  iteration(data, { level: levelAt(Date.now() - exec.scenario.startTime) });
}
