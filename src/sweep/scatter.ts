/**
 * The sweep report's trade-off scatter (p99 pod start latency against mean idle addresses), laid out so that it
 * reads: both axes start at 0; latency goes on a log axis when the values span more than 10x; a point far beyond
 * the rest sits on the chart's edge as a triangle (and is named in the caption) instead of squashing every other
 * point into one band; and point labels are placed where they collide with no other label, or left out (the table
 * beside the chart numbers every point).
 */
import type { TopLevelSpec } from 'vega-lite';

/** One settings combination on the chart. */
export interface ScatterPoint {
  /** Point number (the table's). */
  point: number;
  /** Mean idle addresses. */
  idle: number;
  /** p99 pod start latency and its interval, in seconds. */
  p99: number;
  lo: number;
  hi: number;
  /** On the (p99, idle) Pareto front. */
  front: boolean;
  /** The series the point belongs to (its allocator), when the sweep compares several. */
  series?: string;
}

/** How one axis maps values: linear or symlog from 0 to `top`; values above `top` are off the chart. */
export interface AxisPlan {
  type: 'linear' | 'symlog';
  /** The symlog constant (about the smallest positive value): linear below it, logarithmic above. */
  constant: number;
  top: number;
  /** Tick values for a symlog axis (0 and whole decades); undefined lets Vega choose. */
  ticks?: number[];
}

/** Plot area of the chart, in px. */
export const SCATTER_WIDTH = 760;
export const SCATTER_HEIGHT = 320;

/** A value on the axis, 0 at the bottom (or left) to 1 at `top`. */
export function position(plan: AxisPlan, v: number): number {
  const f = (x: number): number => (plan.type === 'symlog' ? Math.log1p(Math.max(0, x) / plan.constant) : x);
  return plan.top > 0 ? f(Math.min(Math.max(0, v), plan.top)) / f(plan.top) : 0;
}

/** Nearest-rank quantile of sorted values. */
const quantile = (sorted: readonly number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];

/**
 * The axis for these values (all at least 0): symlog when `logIfSpan` and the positive values span more than 10x,
 * else linear; its top just above the largest value that is not an outlier. An outlier lies, on the chosen scale,
 * further above the upper quartile than three times the interquartile range (at least a tenth of the range), so one
 * far point never squashes the others. With fewer than five values nothing is an outlier.
 */
export function axisPlan(values: readonly number[], logIfSpan: boolean): AxisPlan {
  const positive = values.filter((v) => v > 0);
  const max = Math.max(0, ...values);
  const min = positive.length ? Math.min(...positive) : 0;
  const log = logIfSpan && positive.length > 1 && max / min > 10;
  const constant = log ? 10 ** Math.floor(Math.log10(min)) : 1;
  const f = (x: number): number => (log ? Math.log1p(x / constant) : x);
  const sorted = values.map(f).sort((a, b) => a - b);
  let topT = f(max);
  if (sorted.length >= 5) {
    const q1 = quantile(sorted, 0.25);
    const q3 = quantile(sorted, 0.75);
    const fence = q3 + 3 * Math.max(q3 - q1, (sorted[sorted.length - 1] - sorted[0]) / 10);
    topT = Math.max(...sorted.filter((t) => t <= fence));
  }
  const inverse = (t: number): number => (log ? Math.expm1(t) * constant : t);
  // A little headroom above the highest point kept, so it is not drawn on the frame.
  const top = topT > 0 ? inverse(topT * 1.06) : 1;
  const ticks = log ? [0, ...decades(constant, top)] : undefined;
  return { type: log ? 'symlog' : 'linear', constant, top, ...(ticks ? { ticks } : {}) };
}

/** 10^k from `from` up to `to`, with 2 and 5 between when there are few decades. */
function decades(from: number, to: number): number[] {
  const out: number[] = [];
  for (let d = from; d <= to * 1.0001; d *= 10) {
    out.push(d);
    if (to / from < 1e3) for (const m of [2, 5]) if (d * m <= to) out.push(d * m);
  }
  return out.map((v) => Number(v.toPrecision(6))).sort((a, b) => a - b);
}

/** Where a label goes relative to its point. */
export type Anchor = 'right' | 'left' | 'above' | 'below';

const ANCHORS: readonly Anchor[] = ['right', 'left', 'above', 'below'];
const CHAR_PX = 6.2;
const LABEL_PX = 12;
const MARK_PX = 5;

/** The label's box in px for a point at (x, y) (y down). */
function labelBox(x: number, y: number, text: string, a: Anchor): [number, number, number, number] {
  const w = text.length * CHAR_PX;
  const h = LABEL_PX;
  switch (a) {
    case 'right':
      return [x + MARK_PX + 2, y - h / 2, w, h];
    case 'left':
      return [x - MARK_PX - 2 - w, y - h / 2, w, h];
    case 'above':
      return [x - w / 2, y - MARK_PX - 2 - h, w, h];
    case 'below':
      return [x - w / 2, y + MARK_PX + 2, w, h];
  }
}

const overlaps = (a: readonly number[], b: readonly number[]): boolean =>
  a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3];

/**
 * Greedy label placement: in the given order (most important first), each label takes the first anchor whose box
 * stays inside the plot and overlaps no placed label and no other point's marker; a label with no such place is
 * left out (undefined).
 */
export function placeLabels(
  pts: readonly { x: number; y: number; text: string }[],
  width = SCATTER_WIDTH,
  height = SCATTER_HEIGHT,
): (Anchor | undefined)[] {
  const placed: [number, number, number, number][] = [];
  const markers = pts.map((p) => [p.x - MARK_PX, p.y - MARK_PX, 2 * MARK_PX, 2 * MARK_PX]);
  return pts.map((p, i) => {
    for (const a of ANCHORS) {
      const box = labelBox(p.x, p.y, p.text, a);
      if (box[0] < 0 || box[1] < 0 || box[0] + box[2] > width || box[1] + box[3] > height) continue;
      if (placed.some((b) => overlaps(box, b))) continue;
      if (markers.some((m, j) => j !== i && overlaps(box, m))) continue;
      placed.push(box);
      return a;
    }
    return undefined;
  });
}

/** A point as drawn: clamped to the axes, with its label and kind. */
interface Row {
  point: number;
  label: string;
  idle: number;
  p99: number;
  lo: number;
  hi: number;
  kind: 'Pareto front' | 'dominated' | 'off the chart';
  front: boolean;
  series?: string;
}

const KINDS = ['Pareto front', 'dominated', 'off the chart'];

/** The points clamped to the axes (a point beyond one is drawn on the edge), intervals cut at 0. */
function chartRows(points: readonly ScatterPoint[], x: AxisPlan, y: AxisPlan): Row[] {
  return points.map((p) => ({
    point: p.point,
    label: `#${p.point}`,
    idle: Math.min(p.idle, x.top),
    p99: Math.min(p.p99, y.top),
    lo: Math.min(Math.max(0, p.lo), y.top),
    hi: Math.min(Math.max(0, p.hi), y.top),
    kind: p.idle > x.top || p.p99 > y.top ? 'off the chart' : p.front ? 'Pareto front' : 'dominated',
    front: p.front,
    ...(p.series !== undefined ? { series: p.series } : {}),
  }));
}

/** Each row's label anchor (undefined: no room): the front first, then points off the chart, then left to right. */
function labelAnchors(rows: readonly Row[], x: AxisPlan, y: AxisPlan): (Anchor | undefined)[] {
  const rank = (r: Row): number => (r.front ? 0 : r.kind === 'off the chart' ? 1 : 2);
  const order = rows.map((_, i) => i).sort((a, b) => rank(rows[a]) - rank(rows[b]) || rows[a].idle - rows[b].idle);
  const anchors = placeLabels(
    order.map((i) => ({
      x: position(x, rows[i].idle) * SCATTER_WIDTH,
      y: (1 - position(y, rows[i].p99)) * SCATTER_HEIGHT,
      text: rows[i].label,
    })),
  );
  const out = new Array<Anchor | undefined>(rows.length);
  order.forEach((i, k) => (out[i] = anchors[k]));
  return out;
}

/** The x (idle) and y (p99) encodings: both from 0, y on symlog when its plan says so. */
function encodings(x: AxisPlan, y: AxisPlan): { xEnc: object; yEnc: object } {
  const scale = (plan: AxisPlan) => ({
    domain: [0, plan.top],
    nice: false,
    zero: true,
    ...(plan.type === 'symlog' ? { type: 'symlog', constant: plan.constant } : {}),
  });
  return {
    xEnc: {
      field: 'idle',
      type: 'quantitative',
      title: 'mean idle addresses (time-weighted, cluster-wide)',
      scale: scale(x),
    },
    yEnc: {
      field: 'p99',
      type: 'quantitative',
      title: `p99 pod start latency (s)${y.type === 'symlog' ? ', log scale' : ''}`,
      scale: scale(y),
      ...(y.ticks ? { axis: { values: y.ticks, format: ',~f' } } : {}),
    },
  };
}

/** Interval bars (when any), the front's staircase, and the points (triangles for those off the chart). */
function pointLayers(rows: readonly Row[], xEnc: object, yEnc: object): unknown[] {
  const layers: unknown[] = [];
  if (rows.some((r) => r.hi > r.lo)) {
    layers.push({
      data: { values: rows },
      mark: { type: 'rule', color: '#999' },
      encoding: { x: xEnc, y: { ...yEnc, field: 'lo' }, y2: { field: 'hi' } },
    });
  }
  const front = rows.filter((r) => r.front).sort((a, b) => a.idle - b.idle || a.p99 - b.p99);
  const kind = { field: 'kind', type: 'nominal', title: null };
  layers.push(
    {
      data: { values: front },
      mark: { type: 'line', interpolate: 'step-after', color: '#e45756', strokeDash: [5, 3] },
      encoding: { x: xEnc, y: yEnc },
    },
    {
      data: { values: rows },
      mark: { type: 'point', filled: true, size: 70, opacity: 0.9, strokeWidth: 2.5 },
      encoding: {
        x: xEnc,
        y: yEnc,
        color: { ...kind, scale: { domain: KINDS, range: ['#e45756', '#9aa5b1', '#333'] } },
        shape: { ...kind, scale: { domain: KINDS, range: ['circle', 'circle', 'triangle-up'] } },
        // Allocators swept against each other are series: one outline colour each.
        ...(rows.some((r) => r.series !== undefined)
          ? { stroke: { field: 'series', type: 'nominal', title: 'allocator', scale: { scheme: 'dark2' } } }
          : {}),
      },
    },
  );
  return layers;
}

/** One text layer per anchor in use, each label offset and aligned away from its point. */
function labelLayers(rows: readonly Row[], anchors: readonly (Anchor | undefined)[], xEnc: object, yEnc: object) {
  const offsets: Record<Anchor, { align: string; dx: number; dy: number }> = {
    right: { align: 'left', dx: MARK_PX + 2, dy: 0 },
    left: { align: 'right', dx: -MARK_PX - 2, dy: 0 },
    above: { align: 'center', dx: 0, dy: -MARK_PX - 2 - LABEL_PX / 2 },
    below: { align: 'center', dx: 0, dy: MARK_PX + 2 + LABEL_PX / 2 },
  };
  return ANCHORS.flatMap((a) => {
    const mine = rows.filter((_, i) => anchors[i] === a);
    if (mine.length === 0) return [];
    return [
      {
        data: { values: mine },
        mark: { type: 'text', baseline: 'middle', fontSize: 10, color: '#333', ...offsets[a] },
        encoding: { x: xEnc, y: yEnc, text: { field: 'label' } },
      },
    ];
  });
}

/** The scatter's spec, and which points are off the chart or went without a label. */
export function scatterPlan(points: readonly ScatterPoint[]): {
  spec: TopLevelSpec;
  x: AxisPlan;
  y: AxisPlan;
  offChart: ScatterPoint[];
  unlabelled: number[];
} {
  const x = axisPlan(
    points.map((p) => p.idle),
    false,
  );
  const y = axisPlan(
    points.map((p) => p.p99),
    true,
  );
  const rows = chartRows(points, x, y);
  const anchors = labelAnchors(rows, x, y);
  const { xEnc, yEnc } = encodings(x, y);
  const spec = {
    title: 'Latency against idle addresses, one point per settings combination',
    width: SCATTER_WIDTH,
    height: SCATTER_HEIGHT,
    layer: [...pointLayers(rows, xEnc, yEnc), ...labelLayers(rows, anchors, xEnc, yEnc)],
  } as TopLevelSpec;
  return {
    spec,
    x,
    y,
    offChart: points.filter((_, i) => rows[i].kind === 'off the chart'),
    unlabelled: rows.filter((_, i) => anchors[i] === undefined).map((r) => r.point),
  };
}
