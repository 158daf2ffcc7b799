/**
 * The HTML run report: headline figures, every chart of {@link runCharts} as inline SVG, and the settings and
 * seed that produced them. A pure function of the run's data: the same run gives the same bytes.
 */
import { formatDuration } from '../util/duration.js';
import { renderSvg } from './charts.js';
import { cards, esc, figure, page, table } from './html.js';
import { runCharts } from './run-charts.js';
import { figureOf, formatFigure } from './figures.js';
import type { RunData, RunReport } from './types.js';

const d = formatDuration;

/**
 * Creation-to-address p99, when pods waited for a node (the start latency counts from the first CNI ADD, so it
 * cannot show pods that never reached one).
 */
function creationCard(r: RunReport): { label: string; value: string; bad?: boolean }[] {
  if ((r.podSchedulingWaitMs.max ?? 0) === 0 && r.pods.unschedulable === 0) return [];
  const f = figureOf(r.podCreateToStartMs, 'p99');
  return [
    {
      label: 'creation to address p99',
      value: formatFigure(r.podCreateToStartMs, 'p99'),
      bad: f !== undefined && (f.atLeast || f.value >= 10_000),
    },
  ];
}

/** The headline cards: latency percentiles, pods, addresses, EC2 calls. */
export function headline(r: RunReport): string {
  const l = r.podStartLatencyMs;
  const errors = Object.values(r.ec2.errors).reduce((a, b) => a + b, 0);
  const p99 = figureOf(l, 'p99');
  return cards([
    { label: 'pod start p50', value: formatFigure(l, 'p50'), bad: figureOf(l, 'p50')?.atLeast },
    { label: 'pod start p90', value: formatFigure(l, 'p90'), bad: figureOf(l, 'p90')?.atLeast },
    {
      label: 'pod start p99',
      value: formatFigure(l, 'p99'),
      bad: p99 !== undefined && (p99.atLeast || p99.value >= 10_000),
    },
    ...creationCard(r),
    { label: `pods started of ${r.pods.requested}`, value: String(r.pods.started) },
    { label: 'never started', value: String(r.pods.neverStarted), bad: r.pods.neverStarted > 0 },
    { label: 'failed CNI ADDs', value: String(r.pods.failedAddAttempts), bad: r.pods.failedAddAttempts > 0 },
    { label: 'idle addresses (mean)', value: String(r.ips.idleMean) },
    { label: 'attached peak', value: String(r.ips.attachedPeak) },
    { label: 'EC2 calls', value: String(r.ec2.total) },
    { label: 'EC2 errors', value: String(errors), bad: errors > 0 },
  ]);
}

function settings(r: RunReport): string {
  const env = Object.entries(r.settings.ipamd);
  const out: string[] = ['<h2 id="settings">Settings</h2>'];
  out.push(`<p>Scenario <b>${esc(r.scenario)}</b>, seed <b>${esc(r.seed)}</b>, ${esc(d(r.simulatedMs))} simulated. `);
  out.push(
    `Cluster-wide ipamd environment: ${env.length ? env.map(([k, v]) => `<code>${esc(k)}=${esc(v)}</code>`).join(' ') : '(defaults)'}.</p>`,
  );
  out.push(
    table(
      ['node group', 'instance type', 'nodes configured', 'maxPods', 'mode', 'effective ipamd settings'],
      r.nodeGroups.map((g) => [
        g.name,
        g.instanceType,
        g.nodes.configured,
        g.maxPods,
        g.mode,
        Object.entries(g.settings)
          .map(([k, v]) => `${k}=${v}`)
          .join(' '),
      ]),
    ),
  );
  out.push('<details><summary>Model parameters</summary>');
  out.push(table(['parameter', 'value'], Object.entries(r.settings.model)));
  out.push('</details>');
  return out.join('\n');
}

function results(r: RunReport): string {
  const rows = r.nodeGroups.map((g) => [
    g.name,
    g.nodes.end,
    g.nodes.peak,
    g.podsRunning,
    g.enis,
    g.ipsAttached,
    g.ipsAssigned,
    g.idleMean,
    g.attachedPeak,
    formatFigure(g.podStartLatencyMs, 'p50'),
    formatFigure(g.podStartLatencyMs, 'p99'),
    g.failedAddAttempts,
  ]);
  const calls = Object.entries(r.ec2.calls).filter(([, n]) => n > 0);
  const errs = Object.entries(r.ec2.errors);
  return [
    '<h2 id="figures">Figures at the end of the run</h2>',
    table(
      [
        'node group',
        'nodes',
        'nodes peak',
        'pods running',
        'ENIs',
        'attached',
        'assigned',
        'idle mean',
        'attached peak',
        'p50',
        'p99',
        'failed ADDs',
      ],
      rows,
    ),
    `<p>Pods: ${r.pods.requested} requested, ${r.pods.started} started, ${r.pods.deleted} deleted, ${r.pods.running} running; ` +
      `${r.pods.pending} pending at the end (${r.pods.unschedulable} with no node, ${r.pods.waitingForIp} waiting for an address).</p>`,
    calls.length ? table(['EC2 API', 'calls'], calls) : '<p>No EC2 calls.</p>',
    errs.length ? table(['EC2 error', 'count'], errs) : '',
  ].join('\n');
}

/** Renders the HTML run report of one run. */
export async function renderRunHtml(data: RunData): Promise<string> {
  const r = data.report;
  const generator = `${r.tool.name} ${r.tool.version}`;
  const body: string[] = [
    `<h1>Run report: ${esc(r.scenario)}</h1>`,
    `<p class="sub">seed ${esc(r.seed)} · ${esc(d(r.simulatedMs))} simulated · sampled every ${esc(d(data.timeseries.everyMs))} · ` +
      `${esc(generator)}, models ${esc(r.tool.models)}</p>`,
    headline(r),
  ];
  if (r.warnings.length)
    body.push(`<p><b>Warnings:</b></p><ul>${r.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul>`);
  let section = '';
  for (const c of runCharts(data)) {
    if (c.section !== section) {
      section = c.section;
      body.push(`<h2>${esc(section)}</h2>`);
    }
    // One chart at a time, in page order: ids inside each SVG are prefixed by the chart's id.
    if (c.spec === undefined) body.push(`<p class="note" data-note="${esc(c.id)}">${c.caption}</p>`);
    else body.push(figure(c.id, await renderSvg(c.spec, c.id), c.caption));
  }
  body.push(results(r), settings(r));
  return page(`warmpool-sim: ${r.scenario} (seed ${r.seed})`, generator, body.join('\n'));
}
