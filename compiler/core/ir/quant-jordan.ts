// The quantised Jordan layer moved to its kind's folder (compiler/layers/jordan/ir.ts): its type,
// validation, integer bounds and output projection. Re-exported here for existing imports.
export { jordanBoundProblems, jordanFeedbackMax, jordanProjection } from '../../layers/jordan/ir';
export type { QJordanLayer } from '../../layers/jordan/ir';
