// tinyrnn's programmatic API: `import { ... } from 'tinyrnn'`.
export * from './compiler/core/ir/errors';
export * from './compiler/core/ir/model';
export { floatModelProblems, validateFloatModel } from './compiler/core/ir/validate';
export { encodeFloatModel, decodeFloatModel, saveFloatModel, loadFloatModel, writeFileAtomic, FORMAT_VERSION } from './compiler/core/ir/format';
export * from './compiler/float/infer';
export * from './compiler/import';
export * from './compiler/core/ir/quant-model';
export { encodeQuantModel, decodeQuantModel, saveQuantModel, loadQuantModel, loadAnyModel } from './compiler/core/ir/format';
export * from './compiler/core/spec/spec';
export * from './compiler/core/spec/fixed';
export { quantizeModel, type QuantizeOptions } from './compiler/quant/quantize';
export { datasetSequences } from './compiler/quant/calibrate';
export { compareQuant, evaluateQuant, predictQuant, formatQuantReport, type QuantReport, type TensorError, type GrowthRow } from './compiler/quant/report';
export {
  createQuantState,
  resetQuantState,
  stepQuant,
  runQuant,
  quantizeInput,
  rawInput,
  rawSequence,
  dequantizeOutput,
  dequantizeFinal,
  traceCollector,
  type QuantState,
  type QuantRun,
  type QuantObserver,
} from './compiler/core/reference';
export * from './compiler/data/dataset';
export { loadData } from './compiler/data/load';
export * from './compiler/data/prep';
export { BUILTIN_DATASETS, builtinDataset } from './compiler/data/builtin';
export * from './compiler/train';
export { findBoard, listBoards, boardProblems, type BoardProfile, type EspruinoProfile } from './targets/boards';
export { buildEspruino, writeBuild, type EspruinoBuild, type BuildOptions as EspruinoBuildOptions } from './targets/espruino/target';
export { generateModule, type GeneratedModule } from './targets/espruino/generate';
export { dialectProblems, assertEspruinoDialect } from './targets/espruino/dialect';
export { EspruinoSandbox, type SandboxOptions } from './targets/espruino/sandbox';
export { flash as flashEspruino, readBuildDir, type FlashReport } from './runtime/flash/flash';
export { generateC, C_LAYOUTS, type CLayout, type CGenResult, type CReport, type GeneratedFile } from './targets/c/emit';
export { writeGenerated as writeCSources, addCodeSizes as measureCCodeSize, formatReport as formatCReport } from './targets/c/target';
export { buildModelView, type ModelView } from './targets/emit/view';
export { validatePrefix, derivePrefix, cString, commentText } from './targets/emit/names';
export { simulate, summarizeFleet, type SimulateOptions } from './runtime/sim/simulate';
export { renderHtml as renderSimulationReport } from './runtime/sim/report-html';
export { renderPage as renderReportPage, esc as escapeHtml } from './runtime/report/page';
export type { ReportPage, Block as ReportBlock, PlotSpec, Series as PlotSeries, HeatMap, SummaryRow } from './runtime/report/types';
export { renderTrainReport, renderEsnReport, type TrainSummary, type EsnSummary } from './runtime/report/train';
export { renderQuantReport, worstTensor, type QuantizeSummary } from './runtime/report/quant';
export { renderEvalReport, renderCompareReport, type EvalSummary, type CompareSummary } from './runtime/report/eval';
export { parseFault, applyFaults, type FaultSpec, type FaultEvent } from './runtime/sim/faults';
export { ENGINES as SIM_ENGINES, engineProvider } from './runtime/sim/engines';
export type { SimulationReport, DeviceResult, FleetSummary, EngineName, MemoryUse } from './runtime/sim/types';
export type { EngineProvider, EngineSession, PreparedEngine } from './runtime/sim/engine';
export { search, type SearchOptions, type SearchResult, type SearchProgress } from './runtime/search/search';
export { DEFAULT_SPACE, checkSpace, loadSpace, trialList, type SearchSpace, type Trial } from './runtime/search/space';
export type { TrialResult, SearchSettings } from './runtime/search/trial';
export { renderSearchReport } from './runtime/report/search';
export { Rng } from './compiler/core/util/rng';
export { main as cli } from './bin/cli/main';
export { VERSION } from './compiler/core/util/version';
