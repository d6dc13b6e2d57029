/**
 * The run's settings, read from the environment once in the init context and validated:
 * a bad value stops the run before any request is sent.
 *
 * BASE_URL must point at this machine (127.0.0.0/8, ::1 or localhost) unless ALLOW_REMOTE=1:
 * a load test aimed at someone else's server by a typo is an attack, not a test. SCALE
 * multiplies every duration of a profile and VUS_SCALE every user count, so the same
 * profiles run for half an hour in a capacity test and for ten seconds in CI.
 */

const DEFAULT_BASE_URL = 'http://127.0.0.1:8080';

/** Whether `host` (as written in a URL) is a loopback address. */
export function isLoopbackHost(host) {
  const h = host.toLowerCase();
  if (h === 'localhost' || h === '[::1]') return true;
  const octets = h.split('.');
  return (
    octets.length === 4 &&
    octets[0] === '127' &&
    octets.every((o) => /^\d{1,3}$/.test(o) && Number(o) <= 255)
  );
}

/**
 * `{ baseUrl, host }` for a `http(s)://HOST[:PORT][/prefix]` URL, without a trailing `/`;
 * throws when the URL is malformed, carries credentials, or leaves the machine without
 * `allowRemote`.
 */
export function parseBaseUrl(url, allowRemote) {
  const m = /^(https?):\/\/([^/?#]+)(\/[^?#]*)?$/.exec(url);
  if (!m) throw new Error(`BASE_URL must look like http://127.0.0.1:8080, got "${url}"`);
  const authority = m[2];
  if (authority.includes('@')) throw new Error('BASE_URL must not carry credentials');
  const host = authority.startsWith('[')
    ? authority.slice(0, authority.indexOf(']') + 1)
    : authority.split(':')[0];
  if (!allowRemote && !isLoopbackHost(host)) {
    throw new Error(
      `refusing to load ${host}: BASE_URL must be 127.0.0.1, ::1 or localhost (set ALLOW_REMOTE=1 to aim at another machine you are allowed to load)`,
    );
  }
  return { baseUrl: `${m[1]}://${authority}${(m[3] || '').replace(/\/+$/, '')}`, host };
}

function number(env, name, fallback, min, max) {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new Error(`${name} must be a number in [${min}, ${max}], got "${raw}"`);
  }
  return value;
}

/** The validated settings of a run, from `env` (k6's `__ENV`). */
export function parseConfig(env) {
  const allowRemote = env.ALLOW_REMOTE === '1';
  const { baseUrl, host } = parseBaseUrl(env.BASE_URL || DEFAULT_BASE_URL, allowRemote);
  const config = {
    baseUrl,
    host,
    allowRemote,
    // Durations: a factor on every stage; users: a factor on every target, rounded, at
    // least one while a stage has users at all.
    scale: number(env, 'SCALE', 1, 0.0001, 100),
    vusScale: number(env, 'VUS_SCALE', 1, 0.0001, 100),
    // Mean pause between a user's requests (seconds), jittered +-50 %. Behaviour, not
    // schedule: SCALE leaves it alone.
    thinkTimeS: number(env, 'THINK_TIME', 1, 0, 60),
    seed: Math.floor(number(env, 'SEED', 1, 0, 2 ** 32 - 1)),
    nPrompts: Math.floor(number(env, 'PROMPTS', 600, 1, 100000)),
    batchSize: Math.floor(number(env, 'BATCH_SIZE', 5, 1, 100)),
    timeout: env.REQUEST_TIMEOUT || '30s',
    // The traffic mix in percent, as the Rust load generator's default.
    mix: {
      enhance: number(env, 'MIX_ENHANCE', 70, 0, 100),
      batch: number(env, 'MIX_BATCH', 20, 0, 100),
      history: number(env, 'MIX_HISTORY', 10, 0, 100),
    },
    // SLA limits (the product plan's); override to tighten, or to prove a threshold fails.
    limits: {
      p50Ms: number(env, 'P50_MS', 100, 0, 1e6),
      p95Ms: number(env, 'P95_MS', 200, 0, 1e6),
      p99Ms: number(env, 'P99_MS', 500, 0, 1e6),
      errorRate: number(env, 'ERROR_RATE', 0.001, 0, 1),
      minAccuracy: number(env, 'MIN_ACCURACY', 0.8, 0, 1),
    },
  };
  if (config.mix.enhance + config.mix.batch + config.mix.history <= 0) {
    throw new Error('MIX_ENHANCE + MIX_BATCH + MIX_HISTORY must be positive');
  }
  return config;
}

export const config = parseConfig(__ENV);

/** `seconds` of the profile, scaled, as a k6 duration (whole milliseconds, at least 1). */
export function scaledDuration(seconds) {
  return `${Math.max(1, Math.round(seconds * 1000 * config.scale))}ms`;
}

/** `users` of the profile, scaled: 0 stays 0, anything else is at least 1. */
export function scaledUsers(users) {
  return users === 0 ? 0 : Math.max(1, Math.round(users * config.vusScale));
}

/**
 * Options every script shares: the loopback pinning of `localhost` (so no resolver can turn
 * it into another machine) and the percentiles the SLA names
 * in the summary.
 */
export function commonOptions() {
  return {
    hosts: config.allowRemote ? {} : { localhost: '127.0.0.1' },
    summaryTrendStats: ['avg', 'min', 'med', 'p(90)', 'p(95)', 'p(99)', 'max', 'count'],
    setupTimeout: '30s',
    teardownTimeout: '10s',
  };
}
