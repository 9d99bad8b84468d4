// The layer kinds of the Espruino module, as the numbers its layer objects carry (`L.kind`): one
// table for the view (emit.ts), the templates (model.js.hbs, _kernels.hbs: rendered from it) and
// the tools that read a loaded module's layers.
export const KERNEL_KIND = {
  elmanTanh: 1,
  elmanRelu: 2,
  lstm: 3,
  gru: 4,
  dense: 5,
  bidirectional: 6,
  jordan: 7,
  pool: 8,
  lsm: 9,
} as const;

export type KernelKind = (typeof KERNEL_KIND)[keyof typeof KERNEL_KIND];
