/**
 * Plans a sweep before anything runs: reads the grid file and --set flags, loads the scenario, expands the grid
 * and validates every grid point, reporting every problem at once where the offending value was written.
 */
import { createHash } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import {
  MAX_SCENARIO_BYTES,
  parseScenarioText,
  readInput,
  readInputText,
  validateEdited,
  type ParsedDoc,
} from '../workload/load.js';
import { formatProblem, InputError, type Problem } from '../workload/problems.js';
import {
  expandGrid,
  gridRuns,
  gridSize,
  MAX_POINTS,
  seedList,
  type GridPoint,
  type GridSpec,
  type RunSpec,
} from '../sweep/grid.js';
import { parseGridText } from '../sweep/grid-file.js';
import {
  type SetFlag,
  applyProblem,
  combineSpec,
  dedupeProblems,
  dimsFromFlags,
  relocate,
  siteFinder,
} from '../sweep/plan.js';
import { pointEdits } from '../sweep/settings.js';
import type { RowScenario } from '../sweep/types.js';

/** What the user asked to sweep. */
export interface SweepInputs {
  scenario: string;
  set: readonly SetFlag[];
  grid?: string;
  seeds?: number;
  seedBase?: number;
  sampleSeed?: number;
}

/** A validated sweep, ready to run. */
export interface Plan {
  /** Absolute path of the scenario file (what the workers load). */
  scenarioPath: string;
  scenario: RowScenario;
  /** Swept setting names, in grid order. */
  names: string[];
  points: GridPoint[];
  seeds: number[];
  runs: RunSpec[];
  warnings: Problem[];
}

/** Runs per point when neither --seeds nor the grid file says. */
export const DEFAULT_SEEDS = 10;
/** Per-point problems shown before the rest are summed up. */
const MAX_POINT_PROBLEMS = 30;

const isError = (p: Problem): boolean => p.severity === 'error';

function readGrid(file: string): { spec?: GridSpec; problems: Problem[] } {
  try {
    return parseGridText(readInputText(file), file);
  } catch (e) {
    if (e instanceof InputError) return { problems: e.problems };
    throw e;
  }
}

/** The grid spec from the grid file and flags, with seeds and sample seed overridden by flags. */
function gatherSpec(inp: SweepInputs): { spec: GridSpec; problems: Problem[] } {
  const flags = dimsFromFlags(inp.set);
  const file = inp.grid !== undefined ? readGrid(inp.grid) : { problems: [] };
  const combined = combineSpec(file.spec, flags.dims);
  const spec = combined.spec;
  if (inp.seeds !== undefined) spec.seeds = inp.seeds;
  if (inp.seedBase !== undefined) spec.seedBase = inp.seedBase;
  const problems = [...file.problems, ...flags.problems, ...combined.problems];
  if (inp.sampleSeed !== undefined) {
    if (spec.sample) spec.sample = { ...spec.sample, seed: inp.sampleSeed };
    else
      problems.push({
        file: '--sample-seed',
        line: 0,
        col: 0,
        path: '',
        severity: 'error',
        message: 'there is nothing to sample: the grid file has no "sample" section',
      });
  }
  const size = gridSize(spec);
  if (size > MAX_POINTS)
    problems.push({
      file: inp.grid ?? '--set',
      line: 0,
      col: 0,
      path: '',
      severity: 'error',
      message: `the grid has ${size} settings combinations (at most ${MAX_POINTS}); sample it instead`,
    });
  return { spec, problems };
}

type SiteOf = ReturnType<typeof siteFinder>;

/** Validates one point the way loadScenario does, on a copy of the already parsed document. */
function checkPoint(
  doc: ParsedDoc,
  baseDir: string,
  point: GridPoint,
  siteOf: SiteOf,
  scenarioFile: string,
): Problem[] {
  const pe = pointEdits(point.settings);
  // Applying the edits records what could not be applied, and where each setting was written.
  const problems = validateEdited(doc, baseDir, pe.edits).problems;
  const out: Problem[] = [];
  for (const [name, message] of pe.errors) {
    const value = point.settings.find((s) => s.name === name)?.value ?? '';
    out.push(applyProblem(name, value, message, siteOf(name, value), scenarioFile));
  }
  return [...out, ...problems.map((p) => relocate(p, point, pe.written, siteOf))];
}

/** Validates every point; problems the base scenario already has are not repeated. */
function checkPoints(
  path: string,
  doc: ParsedDoc,
  points: readonly GridPoint[],
  spec: GridSpec,
  base: readonly Problem[],
): Problem[] {
  const baseDir = dirname(resolve(path));
  const known = new Set(base.map(formatProblem));
  const siteOf = siteFinder(spec);
  const found = dedupeProblems(
    points.flatMap((p) => checkPoint(doc, baseDir, p, siteOf, path)).filter((p) => !known.has(formatProblem(p))),
  );
  if (found.length <= MAX_POINT_PROBLEMS) return found;
  const more = found.length - MAX_POINT_PROBLEMS;
  return [
    ...found.slice(0, MAX_POINT_PROBLEMS),
    {
      file: path,
      line: 0,
      col: 0,
      path: '',
      severity: 'error',
      message: `... and ${more} more problems with other settings combinations`,
    },
  ];
}

/** Groups problems by file (in order of first appearance), each file's in line order. */
function inFileOrder(ps: readonly Problem[]): Problem[] {
  const files = [...new Set(ps.map((p) => p.file))];
  return ps
    .map((p, i) => ({ p, i }))
    .sort(
      (a, b) =>
        files.indexOf(a.p.file) - files.indexOf(b.p.file) || a.p.line - b.p.line || a.p.col - b.p.col || a.i - b.i,
    )
    .map((x) => x.p);
}

/**
 * Reads, parses and validates the base scenario (no edits) once: its bytes (hashed into the results) and parsed
 * document (the points are checked on copies of it), its seed, name and warnings, or its problems.
 */
function loadBase(path: string): {
  bytes?: Buffer;
  doc?: ParsedDoc;
  seed?: number;
  name?: string;
  problems: Problem[];
} {
  let bytes: Buffer;
  try {
    bytes = readInput(path, MAX_SCENARIO_BYTES);
  } catch (e) {
    if (e instanceof InputError) return { problems: e.problems };
    throw e;
  }
  const doc = parseScenarioText(bytes.toString('utf8'), path);
  const { scenario, problems } = validateEdited(doc, dirname(resolve(path)), []);
  if (!scenario) return { bytes, problems };
  const warnings = problems.filter((p) => p.severity === 'warning');
  return {
    bytes,
    doc,
    ...(scenario.seed !== undefined ? { seed: scenario.seed } : {}),
    name: scenario.name,
    problems: warnings,
  };
}

/** Builds and validates the plan. Throws {@link InputError} with every problem found (exit code 2). */
export function buildPlan(inp: SweepInputs): Plan {
  const { spec, problems } = gatherSpec(inp);
  const base = loadBase(inp.scenario);
  problems.push(...base.problems);
  // Check the combinations of the values that are usable even when other parts have errors: every problem at once.
  const checkable = base.doc !== undefined && !base.problems.some(isError) && gridSize(spec) <= MAX_POINTS;
  const points = checkable ? expandGrid(spec) : [];
  const pointProblems = checkable ? checkPoints(inp.scenario, base.doc as ParsedDoc, points, spec, base.problems) : [];
  const all = inFileOrder([...problems, ...pointProblems]);
  if (all.some(isError)) throw new InputError(all);
  const seeds = seedList(spec.seedBase ?? base.seed ?? 1, spec.seeds ?? DEFAULT_SEEDS);
  const sha256 = createHash('sha256')
    .update(base.bytes as Buffer)
    .digest('hex')
    .slice(0, 16);
  return {
    scenarioPath: resolve(inp.scenario),
    scenario: { name: base.name ?? inp.scenario, sha256 },
    names: [...spec.set, ...(spec.sample?.dims ?? [])].map((d) => d.name),
    points,
    seeds,
    runs: gridRuns(points, seeds),
    warnings: all,
  };
}
