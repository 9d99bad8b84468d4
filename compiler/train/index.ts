// The trainer's public API.
export { train, Trainer } from './trainer';
export type { TrainResult, TrainHooks, EpochRecord, BatchInfo, TrainState, StopReason } from './trainer';
export { DEFAULT_TRAIN_CONFIG, resolveTrainConfig } from './config';
export type { TrainConfig } from './config';
export { buildModel, DEFAULT_ARCHITECTURE } from './init';
export type { Architecture, ModelShape } from './init';
export { classificationMetrics, regressionMetrics, evaluateFloat, evaluateOutputs, predictFloat, formatEvalReport, labelMap } from './metrics';
export type { ClassificationMetrics, RegressionMetrics, EvalReport, ClassStats } from './metrics';
export { Net } from './net';
export type { LossKind } from './net';
export { Optimizer, learningRate, DEFAULT_OPTIMIZER } from './optim';
export type { OptimizerConfig, OptimizerKind, ScheduleKind } from './optim';
