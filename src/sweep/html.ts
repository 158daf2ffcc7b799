/**
 * The HTML sweep report: what a setting costs. A scatter of p99 pod start latency against idle addresses with
 * the Pareto front drawn, a heatmap of one figure over two swept settings, and a table of every point.
 * A pure function of the rows: the same results give the same bytes.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { SweepRow, SweepSummaryRow } from './types.js';
import { renderSvg } from '../report/charts.js';
import { cards, esc, figure, page, table } from '../report/html.js';
import { scatterPlan } from './scatter.js';
import { heatmapAxes, meanByPoint, paretoFlags, sweptSettings, SUMMARY_FIGURES, type SummaryFigure } from './pareto.js';

/** Options of {@link renderSweepHtml}. */
export interface SweepHtmlOptions {
  /** Heading, e.g. the scenario's name. */
  title?: string;
  /** Heatmap axes (setting names); default: the two settings with most distinct values. */
  heatmapX?: string;
  heatmapY?: string;
  /** Figure the heatmap colours by (default p99). */
  figure?: SummaryFigure;
  /** Tool name and version for the page's generator line (default "warmpool-sim"). */
  generator?: string;
}

const FIGURE_LABEL: Record<SummaryFigure, { title: string; unit: string; scale: number }> = {
  p50: { title: 'p50 pod start latency', unit: 's', scale: 1000 },
  p90: { title: 'p90 pod start latency', unit: 's', scale: 1000 },
  p99: { title: 'p99 pod start latency', unit: 's', scale: 1000 },
  idleMean: { title: 'mean idle addresses', unit: 'addresses', scale: 1 },
  ec2Calls: { title: 'EC2 calls', unit: 'calls', scale: 1 },
  neverStarted: { title: 'pods never started', unit: 'pods', scale: 1 },
};

const round = (x: number, digits = 2): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** "A=1 B=2" over the settings that vary (all of them when none varies). */
function labeller(summary: readonly SweepSummaryRow[]): (s: SweepSummaryRow) => string {
  const varying = new Set(sweptSettings(summary).map((s) => s.name));
  return (s) =>
    Object.entries(s.settings)
      .filter(([k]) => varying.size === 0 || varying.has(k))
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
}

/** The trade-off scatter and its caption (log scale, points off the chart, points left unlabelled). */
async function tradeoffFigure(
  sum: readonly SweepSummaryRow[],
  front: boolean[],
  label: (s: SweepSummaryRow) => string,
): Promise<string> {
  // Allocators swept against each other are series.
  const allocator = (s: SweepSummaryRow): string => String(s.settings.allocator ?? 'ipamd');
  const bySeries = new Set(sum.map(allocator)).size > 1;
  const plan = scatterPlan(
    sum.map((s, i) => ({
      point: s.point,
      idle: round(Math.max(0, s.idleMean.mean)),
      p99: round(Math.max(0, s.p99.mean) / 1000, 3),
      lo: round(s.p99.lo / 1000, 3),
      hi: round(s.p99.hi / 1000, 3),
      front: front[i],
      ...(bySeries ? { series: allocator(s) } : {}),
    })),
  );
  const notes: string[] = [];
  if (plan.y.type === 'symlog')
    notes.push('The latency axis is logarithmic (the values span more than 10x), linear near 0.');
  if (plan.offChart.length > 0)
    notes.push(
      `Off the chart, drawn as triangles on its edge so the others stay readable: ${plan.offChart
        .map((p) => `#${p.point} (p99 ${p.p99} s, ${p.idle} idle)`)
        .join('; ')}.`,
    );
  if (plan.unlabelled.length > 0)
    notes.push(
      `${plan.unlabelled.length} point${plan.unlabelled.length === 1 ? '' : 's'} left unlabelled where labels would overlap: the table below gives every point.`,
    );
  const caption =
    'Each point is one settings combination (mean over its seeds; grey bars: the p99 interval when the summary has one). Down is faster pod starts, left is fewer idle addresses. ' +
    'Red points are the <b>Pareto front</b>: no other combination is both faster and cheaper; the dashed staircase joins them. A point above and right of the staircase is beaten on both counts. ' +
    `Labels are point numbers${front.some(Boolean) ? `; the front, fastest first: ${esc(frontList(sum, front, label))}` : ''}. ` +
    notes.map(esc).join(' ');
  return figure('tradeoff', await renderSvg(plan.spec, 'tradeoff'), caption.trimEnd());
}

function heatmapSpec(
  summary: readonly SweepSummaryRow[],
  ax: { x: string; y: string },
  fig: SummaryFigure,
): { spec: TopLevelSpec; averaged: boolean } {
  const { title, unit, scale } = FIGURE_LABEL[fig];
  const swept = sweptSettings(summary);
  const order = (name: string) => (swept.find((s) => s.name === name)?.values ?? []).map(String);
  const cells = new Map<string, { x: string; y: string; sum: number; n: number }>();
  for (const s of summary) {
    if (!(ax.x in s.settings) || !(ax.y in s.settings)) continue;
    const xv = String(s.settings[ax.x]);
    const yv = String(s.settings[ax.y]);
    const c = cells.get(`${xv}\u0000${yv}`) ?? { x: xv, y: yv, sum: 0, n: 0 };
    c.sum += s[fig].mean / scale;
    c.n++;
    cells.set(`${xv}\u0000${yv}`, c);
  }
  const values = [...cells.values()].map((c) => ({ x: c.x, y: c.y, v: round(c.sum / c.n) }));
  const vs = values.map((v) => v.v);
  const mid = (Math.min(...vs) + Math.max(...vs)) / 2;
  const enc = {
    x: { field: 'x', type: 'ordinal', title: ax.x, sort: order(ax.x), axis: { labelAngle: 0 } },
    y: { field: 'y', type: 'ordinal', title: ax.y, sort: [...order(ax.y)].reverse() },
  };
  const spec = {
    title: `${title} (${unit}) over ${ax.x} and ${ax.y}`,
    data: { values },
    width: { step: 56 },
    height: { step: 30 },
    layer: [
      {
        mark: 'rect',
        encoding: {
          ...enc,
          color: { field: 'v', type: 'quantitative', title: `${fig} (${unit})`, scale: { scheme: 'yelloworangered' } },
        },
      },
      {
        mark: { type: 'text', fontSize: 11 },
        encoding: {
          ...enc,
          text: { field: 'v', type: 'quantitative' },
          color: { condition: { test: `datum.v > ${mid}`, value: 'white' }, value: 'black' },
        },
      },
    ],
  } as TopLevelSpec;
  return { spec, averaged: [...cells.values()].some((c) => c.n > 1) };
}

/** "#3 A=1 B=2; #7 ..." for the front's points, fastest first. */
function frontList(sum: readonly SweepSummaryRow[], front: boolean[], label: (s: SweepSummaryRow) => string): string {
  return sum
    .filter((_, i) => front[i])
    .sort((a, b) => a.p99.mean - b.p99.mean || a.point - b.point)
    .map((s) => `#${s.point} ${label(s)}`)
    .join('; ');
}

/** Every point: its settings, mean figures, and whether it is on either front. */
function pointsTable(sum: readonly SweepSummaryRow[], front: readonly boolean[]): string {
  const names = [...new Set(sum.flatMap((s) => Object.keys(s.settings)))];
  const ms = (x: number): number => round(x / 1000, 2);
  const branch = sum.some((s) => s.branch);
  const branchCells = (s: SweepSummaryRow): (string | number)[] => {
    const b = s.branch;
    if (!branch) return [];
    if (!b) return ['', '', '', '', ''];
    return [
      ms(b.branchP50.mean),
      ms(b.branchP99.mean),
      round(b.branchCapacityWaits.mean, 1),
      ms(b.trunkAttachP50.mean),
      round(b.controllerEc2Calls.mean, 1),
    ];
  };
  return table(
    [
      'point',
      ...names,
      'runs',
      'p50 (s)',
      'p90 (s)',
      'p99 (s)',
      'idle mean',
      'EC2 calls',
      'never started',
      ...(branch
        ? [
            'branch pod p50 (s)',
            'branch pod p99 (s)',
            'waits for branch capacity',
            'trunk attach p50 (s)',
            'controller EC2 calls',
          ]
        : []),
      'front (p99, idle)',
      'Pareto (p99, idle, EC2)',
    ],
    sum.map((s, i) => [
      s.point,
      ...names.map((n) => (n in s.settings ? s.settings[n] : '')),
      s.runs,
      ms(s.p50.mean),
      ms(s.p90.mean),
      ms(s.p99.mean),
      round(s.idleMean.mean),
      round(s.ec2Calls.mean, 1),
      round(s.neverStarted.mean, 1),
      ...branchCells(s),
      front[i] ? 'yes' : '',
      s.pareto ? 'yes' : '',
    ]),
  );
}

/** Renders the sweep report. `summary` defaults to plain means per point ({@link meanByPoint}). */
export async function renderSweepHtml(
  rows: readonly SweepRow[],
  summary?: readonly SweepSummaryRow[],
  opts: SweepHtmlOptions = {},
): Promise<string> {
  const sum = summary && summary.length > 0 ? [...summary] : meanByPoint(rows);
  const generator = opts.generator ?? 'warmpool-sim';
  const fig = opts.figure ?? 'p99';
  if (!SUMMARY_FIGURES.includes(fig))
    throw new RangeError(`unknown figure "${fig}" (one of ${SUMMARY_FIGURES.join(', ')})`);
  const label = labeller(sum);
  const front = paretoFlags(sum.map((s) => [s.p99.mean, s.idleMean.mean]));
  const seeds = new Set(rows.map((r) => r.seed));
  const body: string[] = [
    `<h1>Sweep report${opts.title ? `: ${esc(opts.title)}` : ''}</h1>`,
    `<p class="sub">${rows.length} runs · ${sum.length} settings combinations · ${seeds.size} seed${seeds.size === 1 ? '' : 's'} · ${esc(generator)}</p>`,
    cards(sweptSettings(sum).map((s) => ({ label: s.name, value: `${s.values.length} values` }))),
  ];
  if (sum.length === 0) body.push('<p>The results hold no runs: nothing to chart.</p>');
  else {
    body.push('<h2>What a setting costs</h2>');
    body.push(await tradeoffFigure(sum, front, label));
    const ax = heatmapAxes(sum, opts.heatmapX, opts.heatmapY);
    if (ax) {
      const { spec, averaged } = heatmapSpec(sum, ax, fig);
      body.push(
        figure(
          'heatmap',
          await renderSvg(spec, 'heatmap'),
          `${FIGURE_LABEL[fig].title} for each pair of ${esc(ax.x)} and ${esc(ax.y)} values; darker is worse.` +
            (averaged ? ' Other swept settings vary too: each cell is the mean over them.' : ''),
        ),
      );
    } else body.push('<p>Fewer than two settings vary: no heatmap.</p>');
  }
  body.push('<h2>Every settings combination</h2>', pointsTable(sum, front));
  return page(`warmpool-sim sweep${opts.title ? `: ${opts.title}` : ''}`, generator, body.join('\n'));
}
