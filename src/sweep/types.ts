/** The shapes of sweep results; they live with the report types so renderers and the sweep share them. */
export * from '../report/sweep-types.js';
