/**
 * The layers the code keeps (README "What is here"), checked in `npm test`: no import circle
 * anywhere, and no import from a lower layer to a higher one.
 *
 *   shared/                       the domain and the contract: pure, imports nothing outside itself
 *   client/                       the station app: shared/ only, never edge-server/
 *   edge-server/
 *     errors, logger, config, db/ the ground floor: shared/ only
 *     domain folders              reference, ingest, admin, auth, station, supervisor, hub,
 *                                 forwarder, ops, printing, live, exceptions, trace: the ground
 *                                 floor and each other, no circle
 *     edge.ts                     wires a site's parts together
 *     http/                       routes and listeners over edge.ts
 *     main.ts, cli.ts             the entry points
 */
const DOMAIN =
  '^edge-server/(reference|ingest|admin|auth|station|supervisor|hub|forwarder|ops|printing|live|exceptions|trace)/';
const GROUND = '^edge-server/(errors|logger|config)\\.ts$|^edge-server/db/';

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'shared-is-pure',
      comment: 'shared/ runs on the tablet and inside the server transaction: no I/O, no other layer',
      severity: 'error',
      from: { path: '^shared/' },
      to: { pathNot: '^shared/|^node_modules/zod/' },
    },
    {
      name: 'client-not-server',
      severity: 'error',
      from: { path: '^client/' },
      to: { path: '^edge-server/' },
    },
    {
      name: 'server-not-client',
      severity: 'error',
      from: { path: '^edge-server/' },
      to: { path: '^client/' },
    },
    {
      name: 'ground-floor-stays-down',
      severity: 'error',
      from: { path: GROUND },
      to: { path: '^edge-server/', pathNot: GROUND },
    },
    {
      name: 'domain-below-wiring',
      comment: 'domain modules take what they need as arguments; they never reach for the whole site or HTTP',
      severity: 'error',
      from: { path: DOMAIN },
      to: { path: '^edge-server/(edge\\.ts|http/|main\\.ts|cli\\.ts)' },
    },
    {
      name: 'wiring-below-http',
      severity: 'error',
      from: { path: '^edge-server/edge\\.ts$' },
      to: { path: '^edge-server/(http/|main\\.ts|cli\\.ts)' },
    },
    {
      name: 'http-below-entry-points',
      severity: 'error',
      from: { path: '^edge-server/http/' },
      to: { path: '^edge-server/(main|cli)\\.ts$' },
    },
    {
      name: 'production-not-tests',
      severity: 'error',
      from: { path: '^(shared|client|edge-server)/' },
      to: { path: '^(test|bench)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|data|coverage|\\.tmp|\\.node)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js'] },
  },
};
