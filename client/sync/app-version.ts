/**
 * @module The station app's version as its heartbeat names it: the build's content hash, read from
 * the name of the script this module was bundled into (Vite names it `<name>-<hash>.js`, and the
 * hash changes with the code), so a supervisor sees which stations run an older build. Outside a
 * build (tests, the dev server) it is "dev".
 */

/** "build <hash>", or "dev" when the script's name carries no hash. */
export function buildVersion(moduleUrl: string = import.meta.url): string {
  const file = moduleUrl.split(/[?#]/)[0]?.split('/').pop() ?? '';
  const hash = /-([A-Za-z0-9_-]{8,})\.js$/.exec(file)?.[1];
  return hash === undefined ? 'dev' : `build ${hash}`;
}
