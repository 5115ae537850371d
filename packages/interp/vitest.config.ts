export { default } from '../../tools/harness/src/vitest-config.js';
