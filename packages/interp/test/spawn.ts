/**
 * How the tests start pooled workers: the harness's TypeScript loader as
 * the workers' entry, and the packages below as the test process itself
 * loads them (their built `dist`, which `npm test` builds first): both
 * sides must register the same behaviours in the same order.
 */
export const workerLoader = new URL('../../../tools/harness/src/worker-boot.mjs', import.meta.url);
