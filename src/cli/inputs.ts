/**
 * The files a run reads, which no output of it may replace: the scenario file and the trace files it names
 * (`workload[].trace`, relative to the scenario's folder). Read leniently: a scenario that does not parse names no
 * traces here, and its loader reports why.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';

/** Largest scenario file read here to find its traces (the loader has its own limits). */
const MAX_BYTES = 32 * 1024 * 1024;

/** The scenario file and its trace files, as paths that can be opened from here. */
export function scenarioInputs(scenario: string): string[] {
  const files = [scenario];
  let doc: unknown;
  try {
    const text = readFileSync(scenario, 'utf8');
    if (text.length > MAX_BYTES) return files;
    doc = parse(text, { maxAliasCount: 100 });
  } catch {
    return files;
  }
  const workload = typeof doc === 'object' && doc !== null ? (doc as { workload?: unknown }).workload : undefined;
  if (!Array.isArray(workload)) return files;
  for (const item of workload as unknown[]) {
    const trace = typeof item === 'object' && item !== null ? (item as { trace?: unknown }).trace : undefined;
    if (typeof trace === 'string') files.push(resolve(dirname(resolve(scenario)), trace));
  }
  return files;
}
