import type { Argv } from 'yargs';
import { instanceType, limitsRow, suggestInstanceType, instanceTypeNames } from '../../aws/instance-types.js';
import { table } from '../../report/table.js';
import { UsageError, type Io } from '../io.js';

/** `warmpool-sim limits`: ENI and address limits and max pods of instance types. */
export function limitsCommand(io: Io) {
  return {
    command: 'limits [types..]',
    describe: 'Show ENIs, IPs per ENI and max pods of instance types',
    builder: (y: Argv) =>
      y
        .positional('types', {
          type: 'string',
          array: true,
          describe: 'instance types, or shell-style patterns such as "m5.*"',
        })
        .option('format', { choices: ['text', 'json'] as const, default: 'text' as const })
        .example('$0 limits m5.large t3.small', 'two types')
        .example("$0 limits 'c6i.*' --format json", 'a family, as JSON'),
    handler: (a: { types?: string[]; format: 'text' | 'json' }) => {
      const wanted = a.types ?? [];
      if (wanted.length === 0)
        throw new UsageError('name at least one instance type, e.g. `warmpool-sim limits m5.large`');
      const names: string[] = [];
      const problems: string[] = [];
      for (const w of wanted) {
        if (/[*?]/.test(w)) {
          const re = new RegExp(
            '^' +
              w
                .replace(/[.+^${}()|[\]\\]/g, '\\$&')
                .replace(/\*/g, '.*')
                .replace(/\?/g, '.') +
              '$',
          );
          const hits = instanceTypeNames().filter((n) => re.test(n));
          if (hits.length === 0) problems.push(`no instance type matches "${w}"`);
          names.push(...hits);
        } else if (instanceType(w)) names.push(w);
        else {
          const hint = suggestInstanceType(w);
          problems.push(`unknown instance type "${w}"${hint ? `; did you mean ${hint}?` : ''}`);
        }
      }
      if (problems.length) throw new UsageError(problems.join('\n'));
      const rows = names.map((n) => limitsRow(instanceType(n)!));
      if (a.format === 'json') {
        io.stdout(JSON.stringify(rows, null, 2) + '\n');
        return;
      }
      io.stdout(
        table(
          ['type', 'ENIs', 'IPv4/ENI', 'pod IPs/ENI', 'max pods', 'custom net', 'prefix deleg.', 'hypervisor'],
          rows.map((r) => [
            r.instanceType,
            r.maxEnis,
            r.ipv4PerEni,
            r.ipsPerEni,
            r.maxPods,
            r.maxPodsCustomNetworking,
            r.maxPodsPrefixDelegation ?? '-',
            r.hypervisor + (r.prefixDelegation ? '' : ' (no PD)'),
          ]),
          '',
        ) + '\n',
      );
      io.stdout(
        '\nmax pods = ENIs x (IPv4/ENI - 1) + 2 (eni-max-pods.txt); custom networking leaves the primary ENI out;\n',
      );
      io.stdout(
        'prefix delegation = ENIs x (IPv4/ENI - 1) x 16 + 2 before any kubelet cap (EKS caps at 110 or 250).\n',
      );
    },
  };
}
