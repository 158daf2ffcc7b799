/**
 * Charts: Vega-Lite specs compiled and rendered to static SVG in Node (no browser, no script in the page).
 * Vega is loaded on first use so commands that draw nothing do not pay for it.
 *
 * Rendering is deterministic: Vega measures text by estimate (no canvas), and the element ids it numbers from a
 * process-wide counter are renamed per chart, so the same data always gives the same bytes.
 */
import type { TopLevelSpec } from 'vega-lite';

/** Colours shared by every chart, so a series looks the same everywhere. */
export const COLOURS: Record<string, string> = {
  attached: '#4c78a8',
  assigned: '#54a24b',
  idle: '#f58518',
  cooling: '#b279a2',
  enis: '#4c78a8',
  podsPending: '#e45756',
  podsWaitingForIp: '#f58518',
  ec2Calls: '#4c78a8',
  ec2Errors: '#e45756',
  ec2Throttled: '#b279a2',
};

/** Colours of series with no colour of their own (node groups, new series), in order: Vega's "tableau10". */
const PALETTE = [
  '#4c78a8',
  '#f58518',
  '#e45756',
  '#72b7b2',
  '#54a24b',
  '#eeca3b',
  '#b279a2',
  '#ff9da6',
  '#9d755d',
  '#bab0ac',
];

/** Chart look: sizes and fonts chosen for a page about 900 px wide. */
const CONFIG = {
  font: 'sans-serif',
  view: { stroke: '#ddd' },
  axis: { labelFontSize: 11, titleFontSize: 12, gridColor: '#eee' },
  legend: { orient: 'top', labelFontSize: 11, titleFontSize: 11, labelLimit: 320 },
  title: { fontSize: 14, anchor: 'start' },
  header: { labelFontSize: 12, titleFontSize: 12 },
  line: { strokeWidth: 1.5 },
} as const;

type VegaModules = { vega: typeof import('vega'); vl: typeof import('vega-lite') };
let modules: Promise<VegaModules> | undefined;

function load(): Promise<VegaModules> {
  modules ??= Promise.all([import('vega'), import('vega-lite')]).then(([vega, vl]) => ({ vega, vl }));
  return modules;
}

/** Renders a Vega-Lite spec to an SVG string whose element ids all start with `prefix`. */
export async function renderSvg(spec: TopLevelSpec, prefix: string): Promise<string> {
  const { vega, vl } = await load();
  const compiled = vl.compile({ ...spec, config: { ...CONFIG, ...(spec.config ?? {}) } }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return compactPaths(renameIds(await view.toSVG(), prefix));
  } finally {
    view.finalize();
  }
}

/** Renames every id="..." in an SVG (and its url(#...) / href="#..." references) to prefix-1, prefix-2, ... */
export function renameIds(svg: string, prefix: string): string {
  const map = new Map<string, string>();
  for (const m of svg.matchAll(/\bid="([^"]+)"/g)) if (!map.has(m[1])) map.set(m[1], `${prefix}-${map.size + 1}`);
  if (map.size === 0) return svg;
  return svg
    .replace(/\bid="([^"]+)"/g, (_, id: string) => `id="${map.get(id)}"`)
    .replace(/url\(#([^)]+)\)/g, (all, id: string) => (map.has(id) ? `url(#${map.get(id)})` : all))
    .replace(/href="#([^"]+)"/g, (all, id: string) => (map.has(id) ? `href="#${map.get(id)}"` : all));
}

const r1 = (x: number): number => Math.round(x * 10) / 10;
const num = (x: number): string => {
  const s = String(r1(x) + 0); // + 0 turns -0 into 0
  return s.startsWith('0.') ? s.slice(1) : s.startsWith('-0.') ? `-${s.slice(2)}` : s;
};

/**
 * Rewrites polyline paths (only M, L and Z commands, as Vega draws lines, areas and steps) with relative h, v
 * and l commands at 0.1 px precision. Same picture, about a third of the bytes: a long run's step lines are
 * most of the file.
 */
export function compactPaths(svg: string): string {
  return svg.replace(/ d="([^"]*)"/g, (all, d: string) => {
    if (!/^[MLZ0-9.,\-\s]*$/.test(d) || !/L/.test(d)) return all;
    const out: string[] = [];
    let x = 0;
    let y = 0;
    for (const m of d.matchAll(/([MLZ])([^MLZ]*)/g)) {
      if (m[1] === 'Z') {
        out.push('Z');
        continue;
      }
      const [px, py] = m[2].split(',').map(Number);
      const nx = r1(px);
      const ny = r1(py);
      if (m[1] === 'M') out.push(`M${num(nx)},${num(ny)}`);
      else if (nx === x && ny === y) continue;
      else if (ny === y) out.push(`h${num(nx - x)}`);
      else if (nx === x) out.push(`v${num(ny - y)}`);
      else {
        const dy = num(ny - y);
        out.push(`l${num(nx - x)}${dy.startsWith('-') ? '' : ','}${dy}`);
      }
      x = nx;
      y = ny;
    }
    return ` d="${out.join('')}"`;
  });
}

/** How simulated time is shown on an x axis. */
export interface TimeAxis {
  /** Milliseconds per axis unit. */
  divisor: number;
  title: string;
}

/** Seconds for runs up to 5 minutes, minutes up to 5 hours, hours beyond. */
export function timeAxis(durationMs: number): TimeAxis {
  if (durationMs <= 5 * 60_000) return { divisor: 1000, title: 'time (s)' };
  if (durationMs <= 5 * 3_600_000) return { divisor: 60_000, title: 'time (min)' };
  return { divisor: 3_600_000, title: 'time (h)' };
}

/** One point of a long-format series table. */
export interface Point {
  t: number;
  series: string;
  v: number;
  /** Facet (node group or node), when the chart has small multiples. */
  panel?: string;
}

/**
 * Long-format points of one series, keeping only the samples where the value changes (and the last one):
 * drawn as steps, that is exactly the sampled series, in far fewer points for levels that sit still.
 */
export function stepPoints(
  times: readonly number[],
  values: readonly number[],
  series: string,
  axis: TimeAxis,
  panel?: string,
): Point[] {
  const out: Point[] = [];
  for (let i = 0; i < values.length; i++) {
    if (i > 0 && i < values.length - 1 && values[i] === values[i - 1]) continue;
    const p: Point = { t: axisTime(times[i], axis), series, v: values[i] };
    if (panel !== undefined) p.panel = panel;
    out.push(p);
  }
  return out;
}

/** A sample time (ms) in the axis unit, to 3 decimals (keeps the embedded data short). */
export const axisTime = (ms: number, axis: TimeAxis): number => Math.round((ms / axis.divisor) * 1000) / 1000;

/** Options of a step-line chart over time. */
export interface LineChartOptions {
  title: string;
  yTitle: string;
  axis: TimeAxis;
  points: Point[];
  /** Series in legend order. */
  series: string[];
  /** Small multiples: facet by `panel`, this many per row. */
  columns?: number;
  /** Independent y scales across panels (groups of very different sizes). */
  independentY?: boolean;
  width?: number;
  height?: number;
}

/** A step-line chart of several series over simulated time, optionally as small multiples. */
export function lineChart(o: LineChartOptions): TopLevelSpec {
  const panels = [...new Set(o.points.map((p) => p.panel))];
  const colours = o.series.map((s, i) => COLOURS[s] ?? PALETTE[i % PALETTE.length]);
  // Every value 0 (nothing happened): a 0-to-1 axis, not Vega's 0-to-0 one labelled "0.000000".
  const flat = o.points.every((p) => p.v === 0);
  const encoding = {
    x: { field: 't', type: 'quantitative', title: o.axis.title, scale: { nice: false } },
    y: {
      field: 'v',
      type: 'quantitative',
      title: o.yTitle,
      ...(flat ? { scale: { domain: [0, 1] }, axis: { values: [0, 1], format: 'd' } } : {}),
    },
    color: { field: 'series', type: 'nominal', title: null, scale: { domain: o.series, range: colours } },
  };
  const mark = { type: 'line', interpolate: 'step-after' };
  const base = { title: o.title, data: { values: o.points } };
  if (o.columns === undefined) {
    return { ...base, width: o.width ?? 760, height: o.height ?? 200, mark, encoding } as TopLevelSpec;
  }
  return {
    ...base,
    facet: { field: 'panel', type: 'nominal', title: null, sort: panels },
    columns: o.columns,
    spec: { width: o.width ?? 220, height: o.height ?? 110, mark, encoding },
    ...(o.independentY ? { resolve: { scale: { y: 'independent' } } } : {}),
  } as TopLevelSpec;
}

/** One panel's band of a spread chart: min to max as an area, the median as a line. */
export interface SpreadPoint {
  t: number;
  panel: string;
  min: number;
  median: number;
  max: number;
}

/** Small multiples of a per-node spread (min-max band, median line) per node group. */
export function spreadChart(
  title: string,
  yTitle: string,
  axis: TimeAxis,
  points: SpreadPoint[],
  colour: string,
): TopLevelSpec {
  const panels = [...new Set(points.map((p) => p.panel))];
  const x = { field: 't', type: 'quantitative', title: axis.title, scale: { nice: false } };
  return {
    title,
    data: { values: points },
    facet: { field: 'panel', type: 'nominal', title: null, sort: panels },
    columns: 2,
    spec: {
      width: 340,
      height: 120,
      layer: [
        {
          mark: { type: 'area', interpolate: 'step-after', opacity: 0.3, color: colour },
          encoding: { x, y: { field: 'min', type: 'quantitative', title: yTitle }, y2: { field: 'max' } },
        },
        {
          mark: { type: 'line', interpolate: 'step-after', color: colour },
          encoding: { x, y: { field: 'median', type: 'quantitative' } },
        },
      ],
    },
    resolve: { scale: { y: 'independent' } },
  } as TopLevelSpec;
}

/** One chart of the page, or the sentence that stands for a chart with nothing to show. */
export interface ChartPlan {
  id: string;
  /** Section heading it belongs under. */
  section: string;
  /** The chart; absent when the caption says in words what a chart could not (e.g. every latency 0 ms). */
  spec?: TopLevelSpec;
  /** HTML caption: how to read it (or, without a spec, the whole statement). */
  caption: string;
}
