// seedrandom's Alea on its own: `seedrandom/lib/alea.js` is the function the package's index exports as
// `seedrandom.alea`. The index also loads the package's other generators and Node's crypto module (for auto-seeding,
// which nothing here uses): about 7 ms of every start-up.
declare module 'seedrandom/lib/alea.js' {
  import type seedrandom from 'seedrandom';
  const alea: seedrandom['alea'];
  export default alea;
}
