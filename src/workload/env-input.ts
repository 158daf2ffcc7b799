/**
 * The aws-node environment as a scenario writes it: a map (`WARM_IP_TARGET: 5`) or the DaemonSet's `env:` list
 * pasted as is (`- name: WARM_IP_TARGET` / `value: "5"`, or `valueFrom`, which a file cannot resolve). Both become
 * one map; each variable remembers where it was written, so problems point at the right line.
 */
import { IPAMD_ENV, type EnvValue } from '../ipam/config.js';
import type { z } from 'zod';
import type { EnvInput } from './schema.js';

export type EnvInputT = z.infer<typeof EnvInput>;

type Report = (path: readonly PropertyKey[], message: string, severity?: 'error' | 'warning', key?: string) => void;

/** The environment as a map, and where each variable's name and value are written. */
export interface EnvOf {
  env: Record<string, EnvValue>;
  /** Path of the variable's value. */
  valueAt(key: string): PropertyKey[];
  /** Path and key locating the variable's name. */
  nameAt(key: string): { path: PropertyKey[]; key?: string };
}

/** Reads either form at `path`; list items set from `valueFrom` are skipped (a warning unless they size nothing). */
export function envOf(input: EnvInputT | undefined, path: PropertyKey[], report: Report): EnvOf {
  if (input === undefined || !Array.isArray(input)) {
    const env = input ?? {};
    return { env, valueAt: (key) => [...path, key], nameAt: (key) => ({ path, key }) };
  }
  const env: Record<string, EnvValue> = {};
  const index = new Map<string, number>();
  input.forEach((e, j) => {
    if (index.has(e.name))
      report([...path, j, 'name'], `${e.name} is set twice; the last one is used (as Kubernetes does)`, 'warning');
    index.set(e.name, j);
    if (e.valueFrom !== undefined) {
      if (IPAMD_ENV[e.name]?.noEffect !== true && e.name in IPAMD_ENV)
        report(
          [...path, j, 'valueFrom'],
          `${e.name} is set from valueFrom, which a scenario cannot resolve; write its value instead (ipamd's default is used)`,
          'warning',
        );
      if (IPAMD_ENV[e.name]?.noEffect === true || !(e.name in IPAMD_ENV)) env[e.name] = '';
      else delete env[e.name];
      return;
    }
    // A Kubernetes env item without `value` sets the empty string.
    env[e.name] = e.value ?? '';
  });
  const at = (key: string): number => index.get(key) ?? -1;
  return {
    env,
    valueAt: (key) => (at(key) >= 0 ? [...path, at(key), 'value'] : path),
    nameAt: (key) => ({ path: at(key) >= 0 ? [...path, at(key), 'name'] : path }),
  };
}
