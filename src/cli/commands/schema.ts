import { scenarioJsonSchema } from '../../workload/schema.js';
import type { Io } from '../io.js';

/** `warmpool-sim schema`: the scenario JSON Schema on stdout. */
export function schemaCommand(io: Io) {
  return {
    command: 'schema',
    describe: 'Print the JSON Schema of scenario files (for editor completion)',
    builder: {},
    handler: () => {
      io.stdout(
        JSON.stringify({ ...scenarioJsonSchema(), $id: 'https://warmpool-sim/scenario.schema.json' }, null, 2) + '\n',
      );
    },
  };
}
