export { default } from '../../tsup.family.js';
