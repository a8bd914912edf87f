/**
 * A client workload you can start and stop: rate, read/write mix, key count, read consistency;
 * with throughput and latency over the last 30 virtual seconds (d3 scales and line shapes).
 */
import { useState } from 'react';
import { scaleLinear } from 'd3-scale';
import { line } from 'd3-shape';
import { max } from 'd3-array';
import { bucketize, type StatsBucket } from '../state/workloadStats.ts';
import type { WorkloadOptions } from '../state/workload.ts';
import { usePlayground, useStoreApi, useTicker } from './hooks.ts';

const CW = 340;
const CH = 92;
const PAD = { l: 38, r: 8, t: 10, b: 20 };

function Chart({ buckets, series, unit, title }: { buckets: StatsBucket[]; series: { key: keyof StatsBucket; color: string; label: string; dash?: string }[]; unit: string; title: string }) {
  const x = scaleLinear()
    .domain([buckets[0]?.startMs ?? 0, (buckets[buckets.length - 1]?.startMs ?? 1000) + 1000])
    .range([PAD.l, CW - PAD.r]);
  const top = max(buckets, (b) => max(series, (s) => (Number.isFinite(b[s.key] as number) ? (b[s.key] as number) : 0))) ?? 0;
  const y = scaleLinear()
    .domain([0, Math.max(1, top)])
    .nice()
    .range([CH - PAD.b, PAD.t]);
  const last = buckets[buckets.length - 1];
  return (
    <figure className="chart">
      <figcaption>
        {title}{' '}
        <span className="muted">
          {series.map((s) => `${s.label} ${last && Number.isFinite(last[s.key] as number) ? (last[s.key] as number).toFixed(0) : '–'}${unit}`).join(' · ')}
        </span>
      </figcaption>
      <svg viewBox={`0 0 ${CW} ${CH}`} role="img" aria-label={title}>
        {y.ticks(3).map((t) => (
          <g key={t} className="tick">
            <line x1={PAD.l} x2={CW - PAD.r} y1={y(t)} y2={y(t)} />
            <text x={PAD.l - 4} y={y(t) + 4} textAnchor="end">
              {t}
            </text>
          </g>
        ))}
        {series.map((s) => {
          const path = line<StatsBucket>()
            .defined((b) => Number.isFinite(b[s.key] as number))
            .x((b) => x(b.startMs + 500))
            .y((b) => y(b[s.key] as number))(buckets);
          return <path key={String(s.key)} d={path ?? ''} fill="none" stroke={s.color} strokeWidth={2} strokeDasharray={s.dash} />;
        })}
        <text x={CW - PAD.r} y={CH - 4} textAnchor="end" className="axis-note">
          last 30 s (virtual)
        </text>
      </svg>
    </figure>
  );
}

export function WorkloadPanel() {
  const store = useStoreApi();
  const wl = usePlayground((s) => s.workload);
  const [o, setO] = useState<WorkloadOptions>(wl.options);
  useTicker(500, wl.running || wl.samples.length > 0);
  const now = store.getState().api?.now() ?? 0;
  // Whole seconds only: the second in progress would read as a dip.
  const to = Math.floor(now / 1000) * 1000;
  const buckets = bucketize(wl.samples, Math.max(Math.ceil(wl.startedAtMs / 1000) * 1000, to - 30_000), to, 1000);
  const total = wl.samples.length;
  const errors = wl.samples.filter((x) => !x.ok).length;
  return (
    <div className="workload" data-testid="workload">
      <form
        className="wl-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (wl.running) store.getState().stopWorkload();
          else store.getState().startWorkload(o);
        }}
      >
        <label>
          rate (ops/s)
          <input type="number" min={1} max={10000} value={o.ratePerSec} onChange={(e) => setO({ ...o, ratePerSec: Number(e.target.value) })} data-testid="wl-rate" />
        </label>
        <label>
          reads (%)
          <input type="number" min={0} max={100} value={Math.round(o.readRatio * 100)} onChange={(e) => setO({ ...o, readRatio: Number(e.target.value) / 100 })} />
        </label>
        <label>
          keys
          <input type="number" min={1} max={100000} value={o.keys} onChange={(e) => setO({ ...o, keys: Number(e.target.value) })} />
        </label>
        <label>
          reads are
          <select value={o.reads} onChange={(e) => setO({ ...o, reads: e.target.value as WorkloadOptions['reads'] })}>
            <option value="linearizable">linearizable</option>
            <option value="serializable">serializable</option>
          </select>
        </label>
        <button type="submit" className={wl.running ? 'danger' : 'primary'} data-testid="wl-toggle">
          {wl.running ? '■ Stop workload' : '▶ Start workload'}
        </button>
      </form>
      {wl.error && (
        <p className="error" role="alert">
          {wl.error}
        </p>
      )}
      <p className="muted" data-testid="wl-summary" data-ops={total}>
        {wl.running ? 'running' : 'stopped'} · {total} operations answered · {errors} failed
      </p>
      <Chart buckets={buckets} title="Throughput" unit=" ops/s" series={[{ key: 'throughput', color: '#2563eb', label: 'now' }]} />
      <Chart
        buckets={buckets}
        title="Latency (virtual ms)"
        unit=" ms"
        series={[
          { key: 'p50Ms', color: '#16a34a', label: 'p50' },
          { key: 'p99Ms', color: '#b45309', label: 'p99', dash: '5 3' },
        ]}
      />
    </div>
  );
}
