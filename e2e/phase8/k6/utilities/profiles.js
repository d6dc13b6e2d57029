/**
 * The product's load profiles as k6 scenarios, with the same numbers as the Rust load
 * generator's built-in profiles (crates/bp-load/src/profile/builtin.rs): closed-model users
 * (k6 `ramping-vus`) that think between requests. Durations are in seconds of the full
 * profile and users are full counts; SCALE and VUS_SCALE shrink both here.
 *
 * The stress profile is left to `betterprompts load --profile stress`: its verdict is a
 * breaking point found by an open-model rate ramp and an analysis k6 does not do.
 */

import { config, scaledDuration, scaledUsers } from './config.js';

const MIN = 60;

/** The regions of the geo profile and their p95 limits in ms at the default 200 ms SLA. */
export const GEO_REGIONS = [
  { region: 'us-east', p95Ms: 200 },
  { region: 'eu-west', p95Ms: 250 },
  { region: 'ap-south', p95Ms: 300 },
];

const rampHold = (users, rampS, holdS) => [
  { duration: rampS, target: users },
  { duration: holdS, target: users },
];

/** 100 users; three times: up to 1000 in 10 s, hold 2 min, back to 100 in 10 s, 3 min calm. */
function spikeStages() {
  const stages = [
    { duration: 30, target: 100 },
    { duration: 1 * MIN, target: 100 },
  ];
  for (let i = 0; i < 3; i++) {
    stages.push(
      { duration: 10, target: 1000 },
      { duration: 2 * MIN, target: 1000 },
      { duration: 10, target: 100 },
      { duration: 3 * MIN, target: 100 },
    );
  }
  return stages;
}

/** Stages in seconds and full user counts, by profile name. */
export const PROFILES = {
  baseline: rampHold(100, 1 * MIN, 5 * MIN),
  normal: rampHold(500, 2 * MIN, 10 * MIN),
  peak: rampHold(1000, 3 * MIN, 15 * MIN),
  'ramp-up': [
    { duration: 2 * MIN, target: 100 },
    { duration: 3 * MIN, target: 500 },
    { duration: 3 * MIN, target: 1000 },
    { duration: 5 * MIN, target: 1000 },
    { duration: 2 * MIN, target: 0 },
  ],
  sustained: rampHold(500, 1 * MIN, 30 * MIN),
  spike: spikeStages(),
  geo: rampHold(100, 1 * MIN, 5 * MIN),
};

/**
 * Phases of the spike profile in seconds of the full profile: `baseline` before the first
 * spike, `spike` from each jump to the end of its hold, `recovery` from the drop on.
 */
export const SPIKE_PHASES = (() => {
  const phases = [{ name: 'baseline', fromS: 0, toS: 90 }];
  let at = 90;
  for (let i = 0; i < 3; i++) {
    phases.push({ name: 'spike', fromS: at, toS: at + 130 });
    phases.push({ name: 'recovery', fromS: at + 130, toS: at + 320 });
    at += 320;
  }
  return phases;
})();

/** The phase of the spike profile at `elapsedMs` since its start, at the run's SCALE. */
export function spikePhaseAt(elapsedMs) {
  const s = elapsedMs / 1000 / config.scale;
  const phase = SPIKE_PHASES.find((p) => s >= p.fromS && s < p.toS);
  return phase ? phase.name : 'recovery';
}

/** Total seconds of a stage list. */
export function totalSeconds(stages) {
  return stages.reduce((sum, s) => sum + s.duration, 0);
}

/**
 * One `ramping-vus` scenario over `stages`, scaled. Users ramped down finish their
 * iteration (at most a think time and a request) before they stop.
 */
export function rampingScenario(stages, extra = {}) {
  const grace = `${Math.ceil(config.thinkTimeS * 1.5 + 5)}s`;
  return {
    executor: 'ramping-vus',
    startVUs: 0,
    stages: stages.map((s) => ({
      duration: scaledDuration(s.duration),
      target: scaledUsers(s.target),
    })),
    gracefulRampDown: grace,
    gracefulStop: grace,
    ...extra,
  };
}

/** The k6 `scenarios` of profile `name`: one scenario, or one per region for `geo`. */
export function scenariosFor(name) {
  const stages = PROFILES[name];
  if (!stages) {
    throw new Error(`unknown PROFILE "${name}": one of ${Object.keys(PROFILES).join(', ')}`);
  }
  if (name !== 'geo') return { [name]: rampingScenario(stages) };
  const scenarios = {};
  for (const { region } of GEO_REGIONS) {
    scenarios[`geo-${region}`] = rampingScenario(stages, {
      tags: { region },
      env: { REGION: region },
    });
  }
  return scenarios;
}
