/**
 * The end-of-test summary every script prints: each threshold with its verdict and the
 * value it was judged on, then the headline figures.
 *
 * It replaces k6's default summary for one reason: `--summary-export` is written from the
 * summary object after this hook ran, so dropping `setup_data` (which holds this run's API
 * key) here keeps the secret out of the exported JSON, which can then be kept or uploaded.
 * k6's own text summary lives in a remote jslib module, and a test run downloads nothing.
 */

function formatValue(metric, stat) {
  const v = metric.values[stat === 'p(50)' ? 'med' : stat];
  if (v === undefined) return '-';
  if (metric.contains === 'time') return v < 1 ? `${(v * 1000).toFixed(0)}us` : `${v.toFixed(2)}ms`;
  if (metric.type === 'rate') return `${(v * 100).toFixed(2)}%`;
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}

/** The statistic a threshold expression such as `p(95)<200` or `rate>0.9` is judged on. */
function statOf(expression) {
  const m = /^\s*([a-z]+(?:\(\d+(?:\.\d+)?\))?)/.exec(expression);
  return m ? m[1] : '';
}

/** The text summary of `data` (k6's summary object). */
export function textSummary(data) {
  const lines = ['', 'thresholds'];
  let failed = 0;
  for (const name of Object.keys(data.metrics).sort()) {
    const metric = data.metrics[name];
    for (const [expression, verdict] of Object.entries(metric.thresholds || {})) {
      if (!verdict.ok) failed++;
      const stat = statOf(expression);
      lines.push(
        `  ${verdict.ok ? 'ok  ' : 'FAIL'} ${name} ${expression}  (${stat}=${formatValue(metric, stat)})`,
      );
    }
  }
  const m = data.metrics;
  const seconds = data.state.testRunDurationMs / 1000;
  lines.push('', `run       ${seconds.toFixed(1)} s, ${failed === 0 ? 'every threshold holds' : `${failed} threshold(s) failed`}`);
  if (m.http_reqs) {
    lines.push(`requests  ${m.http_reqs.values.count} (${m.http_reqs.values.rate.toFixed(1)}/s)`);
  }
  if (m.http_req_duration) {
    const d = m.http_req_duration;
    const stats = ['med', 'p(95)', 'p(99)', 'max'].map((s) => `${s}=${formatValue(d, s)}`);
    lines.push(`latency   ${stats.join(' ')}`);
  }
  // A rate without samples (an aborted run) says nothing: leave it out.
  const rate = (name) => m[name] && m[name].values.passes + m[name].values.fails > 0;
  if (rate('http_req_failed')) lines.push(`errors    ${formatValue(m.http_req_failed, 'rate')}`);
  if (rate('checks')) lines.push(`checks    ${formatValue(m.checks, 'rate')} passed`);
  for (const name of ['intent_accuracy', 'technique_accuracy']) {
    if (rate(name)) lines.push(`${name.replace('_accuracy', '')} accuracy  ${formatValue(m[name], 'rate')}`);
  }
  if (m.vus_max) lines.push(`users     at most ${m.vus_max.values.max}`);
  return `${lines.join('\n')}\n`;
}

/** k6's end-of-test hook: forget the key, print the text summary on stdout. */
export function handleSummary(data) {
  delete data.setup_data;
  return { stdout: textSummary(data) };
}
